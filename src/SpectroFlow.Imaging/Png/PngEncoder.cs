using System.Buffers.Binary;
using System.IO.Compression;

namespace SpectroFlow.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB (colour type 2) or 8-bit grayscale (colour type 0) non-interlaced PNGs: signature, IHDR, an
/// optional eXIf right after IHDR, IDAT chunks, IEND. Every row uses the Sub filter and the data is deflated with
/// zlib level <see cref="DefaultZLibLevel"/>: on Riffusion spectrograms (time runs left to right) Sub alone compresses
/// as well as the per-row minimum-sum-of-absolute-differences choice over the five filters (within 1%) at a small
/// fraction of its cost; see docs/decisions/2026-11-24-png-codec-without-imagesharp.md for the measurements.
/// </summary>
internal static class PngEncoder
{
    /// <summary>
    /// The zlib level: 3 is within about 1.5% of the size of level 6 (<see cref="CompressionLevel.Optimal"/>) at about
    /// half its time; level 1 (<see cref="CompressionLevel.Fastest"/>) makes spectrogram PNGs about 50% larger.
    /// </summary>
    public const int DefaultZLibLevel = 3;

    /// <summary>The largest IDAT chunk written; the compressed data is split into chunks of this size.</summary>
    public const int MaxImageDataChunk = 1 << 20;

    /// <summary>Encodes <paramref name="pixels"/> (row 0 = top, RGB24 or one byte per gray pixel) as a PNG.</summary>
    /// <param name="pixels">Width x height x channels bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="colorType"><see cref="PngColorType.Rgb"/> or <see cref="PngColorType.Gray"/>.</param>
    /// <param name="exif">An eXIf payload to place right after IHDR, or null.</param>
    /// <param name="zlibLevel">The zlib compression level, 0 (store) to 9.</param>
    public static byte[] Encode(
        ReadOnlySpan<byte> pixels, int width, int height, PngColorType colorType, ReadOnlySpan<byte> exif = default, int zlibLevel = DefaultZLibLevel)
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
        using (var zlib = new ZLibStream(compressed, new ZLibCompressionOptions { CompressionLevel = zlibLevel }, leaveOpen: true))
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
        byte[] filtered = new byte[rowBytes + 1];
        filtered[0] = PngFilters.Sub;
        for (int y = 0; y < height; y++)
        {
            PngFilters.FilterSub(pixels.Slice(y * rowBytes, rowBytes), distance, filtered.AsSpan(1));
            zlib.Write(filtered);
        }
    }
}
