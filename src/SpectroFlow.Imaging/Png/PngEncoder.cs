using System.Buffers.Binary;
using System.IO.Compression;

namespace SpectroFlow.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB (colour type 2) or 8-bit grayscale (colour type 0) non-interlaced PNGs: signature, IHDR, an
/// optional eXIf right after IHDR, IDAT chunks, IEND. Each row takes the filter with the smallest sum of absolute
/// (signed) filtered bytes, the heuristic libpng and PIL use; the data is deflated with zlib at
/// <see cref="CompressionLevel"/>.
/// </summary>
internal static class PngEncoder
{
    /// <summary>The zlib level (see the decision record for the measurements behind it).</summary>
    public const CompressionLevel Level = CompressionLevel.Optimal;

    /// <summary>The largest IDAT chunk written; the compressed data is split into chunks of this size.</summary>
    public const int MaxImageDataChunk = 1 << 20;

    /// <summary>Encodes <paramref name="pixels"/> (row 0 = top, RGB24 or one byte per gray pixel) as a PNG.</summary>
    /// <param name="pixels">Width x height x channels bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="colorType"><see cref="PngColorType.Rgb"/> or <see cref="PngColorType.Gray"/>.</param>
    /// <param name="exif">An eXIf payload to place right after IHDR, or null.</param>
    /// <param name="level">The zlib compression level.</param>
    public static byte[] Encode(
        ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType, ReadOnlySpan<byte> exif = default, CompressionLevel level = Level)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (colorType is not (PngColorType.Rgb or PngColorType.Gray))
        {
            throw new ArgumentOutOfRangeException(nameof(colorType), colorType, "Only 8-bit RGB and gray are written.");
        }

        int channels = PngHeader.ChannelsOf(colorType);
        int rowBytes = checked(width * channels);
        if (pixels.Length != checked(rowBytes * height))
        {
            throw new ArgumentException($"A {width}x{height} image with {channels} channels needs {rowBytes * height} bytes, got {pixels.Length}.", nameof(pixels));
        }

        using var compressed = new MemoryStream(pixels.Length / 2 + 1024);
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            WriteFilteredRows(zlib, pixels, rowBytes, height, channels);
        }

        using var png = new MemoryStream((int)compressed.Length + exif.Length + 128);
        png.Write(PngChunks.Signature);
        Span<byte> header = stackalloc byte[PngHeader.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)height);
        header[8] = 8;
        header[9] = (byte)colorType;
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // not interlaced
        WriteChunk(png, "IHDR"u8, header);
        if (!exif.IsEmpty)
        {
            WriteChunk(png, "eXIf"u8, exif);
        }

        ReadOnlySpan<byte> data = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        for (int at = 0; at < data.Length; at += MaxImageDataChunk)
        {
            WriteChunk(png, "IDAT"u8, data.Slice(at, Math.Min(MaxImageDataChunk, data.Length - at)));
        }

        WriteChunk(png, "IEND"u8, []);
        return png.ToArray();
    }

    /// <summary>Writes one chunk: big-endian length, type, data, CRC-32 of type and data.</summary>
    public static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Append(0, type), data));
        output.Write(word);
    }

    private static void WriteFilteredRows(Stream zlib, ReadOnlySpan<byte> pixels, int rowBytes, int height, int distance)
    {
        byte[] zeros = new byte[rowBytes];
        byte[] candidates = new byte[5 * (rowBytes + 1)];
        ReadOnlySpan<byte> previous = zeros;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = pixels.Slice(y * rowBytes, rowBytes);
            int best = 0;
            long bestCost = long.MaxValue;
            for (byte filter = PngFilters.None; filter <= PngFilters.Paeth; filter++)
            {
                Span<byte> candidate = candidates.AsSpan(filter * (rowBytes + 1), rowBytes + 1);
                candidate[0] = filter;
                long cost = PngFilters.Filter(filter, row, previous, distance, candidate[1..]);
                if (cost < bestCost)
                {
                    bestCost = cost;
                    best = filter;
                }
            }

            zlib.Write(candidates.AsSpan(best * (rowBytes + 1), rowBytes + 1));
            previous = row;
        }
    }
}
