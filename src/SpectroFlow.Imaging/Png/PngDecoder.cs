using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Imaging.Png;

/// <summary>
/// A PNG decoder producing RGB24 like PIL's <c>convert("RGB")</c>: every colour type and bit depth, Adam7, all five
/// filters. Gray is copied to R, G and B (1, 2 and 4-bit gray scaled to 0..255: x255, x85, x17); palette indices are
/// looked up in PLTE (an index past the palette is an error); alpha and tRNS are ignored; 16-bit samples keep their
/// high byte (as PIL's <c>RGB;16B</c> unpackers and libpng's <c>png_set_strip_16</c> do).
/// <para>
/// Safety: chunk CRCs are verified (a bad CRC on a critical chunk is an error, an ancillary chunk with a bad CRC is
/// skipped); the size is checked against <see cref="ImageLimits"/> right after IHDR, before any image data is read;
/// the image data is inflated row by row into the output and never past the size IHDR implies (extra compressed data
/// is ignored, like libpng and PIL do); compressed data too short to possibly inflate to that size (deflate cannot
/// exceed 1032:1) is refused before the output is allocated. Every problem is one <see cref="InvalidImageException"/>.
/// </para>
/// </summary>
internal static class PngDecoder
{
    /// <summary>Deflate's largest possible expansion (a 258-byte match in as little as two bits, about 1032:1).</summary>
    private const long MaxInflateRatio = 1032;

    private const int MaxPaletteEntries = 256;

    /// <summary>Decodes the PNG at the current position of <paramref name="stream"/> (its signature is next).</summary>
    /// <param name="stream">The PNG data; read forward only.</param>
    /// <param name="name">The file name used in error messages.</param>
    /// <param name="limits">Size limits, checked from IHDR before the image data is read.</param>
    /// <param name="check">Further size check run after the limits; returns a problem or null.</param>
    /// <exception cref="InvalidImageException">The data is not a valid PNG, is above the limits, or fails <paramref name="check"/>.</exception>
    public static LoadedImage Decode(Stream stream, string name, ImageLimits limits, Func<int, int, string?>? check = null)
    {
        var reader = new ChunkReader(stream, name);
        reader.ReadSignature();

        PngHeader? header = null;
        byte[]? palette = null;
        byte[]? exif = null;
        using var compressed = new MemoryStream();
        bool inImageData = false;
        bool imageDataEnded = false;
        while (reader.TryReadChunkHeader(out uint length, out string type))
        {
            if (header is null && type != "IHDR")
            {
                throw reader.Damaged($"the first chunk is {type}, not IHDR");
            }

            if (type == "IDAT")
            {
                if (imageDataEnded)
                {
                    throw reader.Damaged("the IDAT chunks are not consecutive");
                }

                inImageData = true;
                reader.ReadImageData(length, compressed);
                continue;
            }

            imageDataEnded |= inImageData;
            if (type == "IEND")
            {
                break;
            }

            bool critical = char.IsAsciiLetterUpper(type[0]);
            switch (type)
            {
                case "IHDR":
                    if (header is not null)
                    {
                        throw reader.Damaged("the file has two IHDR chunks");
                    }

                    header = ParseHeader(reader.ReadCriticalChunk(length, type, PngHeader.Length), reader);
                    CheckSize(header.Value, name, limits, check);
                    break;
                case "PLTE":
                    palette = ParsePalette(reader.ReadCriticalChunk(length, type, 3 * MaxPaletteEntries), reader, inImageData);
                    break;
                case "eXIf" when exif is null && length <= PngChunks.MaxExifLength:
                    exif = reader.ReadAncillaryChunk(length);
                    break;
                default:
                    if (critical)
                    {
                        throw reader.Damaged($"unknown critical chunk {type}");
                    }

                    reader.Skip(length);
                    break;
            }
        }

        if (header is not { } h)
        {
            throw reader.Truncated("the file ends before the IHDR chunk");
        }

        if (h.ColorType == PngColorType.Palette && palette is null)
        {
            throw reader.Damaged("the palette image has no PLTE chunk");
        }

        if (compressed.Length == 0)
        {
            throw new InvalidImageException($"{name}: the image data is corrupt or truncated (there is no IDAT chunk)");
        }

        byte[] rgb = Inflate(h, palette, compressed, name);
        return new LoadedImage(h.Width, h.Height, rgb, exif);
    }

    private static PngHeader ParseHeader(ReadOnlySpan<byte> data, ChunkReader reader)
    {
        if (data.Length != PngHeader.Length)
        {
            throw reader.Damaged($"the IHDR chunk is {data.Length} bytes long instead of 13");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        int bitDepth = data[8];
        int colorType = data[9];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
        {
            throw reader.Damaged($"the image header gives an invalid size {width}x{height}");
        }

        if (!PngHeader.IsValidCombination(colorType, bitDepth))
        {
            throw reader.Damaged($"the image header gives an invalid colour type {colorType} with bit depth {bitDepth}");
        }

        if (data[10] != 0 || data[11] != 0 || data[12] > 1)
        {
            throw reader.Damaged(
                $"the image header gives an unknown compression ({data[10]}), filter ({data[11]}) or interlace ({data[12]}) method");
        }

        return new PngHeader((int)width, (int)height, bitDepth, (PngColorType)colorType, data[12] == 1);
    }

    private static byte[] ParsePalette(byte[] data, ChunkReader reader, bool afterImageData)
    {
        if (afterImageData)
        {
            throw reader.Damaged("the PLTE chunk comes after the image data");
        }

        if (data.Length == 0 || data.Length % 3 != 0)
        {
            throw reader.Damaged($"the PLTE chunk is {data.Length} bytes long, not a multiple of 3 between 3 and 768");
        }

        return data;
    }

    private static void CheckSize(PngHeader header, string name, ImageLimits limits, Func<int, int, string?>? check)
    {
        int width = header.Width;
        int height = header.Height;
        if (width > limits.MaxWidth || height > limits.MaxHeight || (long)width * height > limits.MaxPixels)
        {
            throw new InvalidImageException(
                $"{name}: the image is {width}x{height} px ({(long)width * height} pixels), above the limit of "
                + $"{limits.MaxWidth} px wide, {limits.MaxHeight} px high and {limits.MaxPixels} pixels");
        }

        string? problem = check?.Invoke(width, height);
        if (problem is not null)
        {
            throw new InvalidImageException($"{name}: {problem}");
        }
    }

    private static byte[] Inflate(PngHeader header, byte[]? palette, MemoryStream compressed, string name)
    {
        long expected = header.FilteredDataLength();
        long rgbLength = (long)header.Width * header.Height * 3;
        if (header.RowBytes(header.Width) + 1 > Array.MaxLength || rgbLength > Array.MaxLength)
        {
            throw new InvalidImageException($"{name}: the image is too large to decode ({header.Width}x{header.Height} px)");
        }

        if (compressed.Length * MaxInflateRatio + 1024 < expected)
        {
            throw new InvalidImageException(
                $"{name}: the image data is corrupt or truncated ({compressed.Length} compressed bytes cannot hold the "
                + $"{expected} bytes the header requires)");
        }

        compressed.Position = 0;
        var rows = new RowInflater(compressed, expected, name);
        try
        {
            byte[] rgb = new byte[rgbLength];
            if (header.Interlaced)
            {
                DecodeInterlaced(header, palette, rows, rgb, name);
            }
            else
            {
                DecodePass(header, palette, rows, header.Width, header.Height, name, (y, pixels) => rgb.AsSpan(y * header.Width * 3, header.Width * 3));
            }

            return rgb;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidImageException($"{name}: the image data is corrupt or truncated (bad compressed data)", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new InvalidImageException($"{name}: the image is too large to decode ({header.Width}x{header.Height} px)", e);
        }
        finally
        {
            rows.Dispose();
        }
    }

    private static void DecodeInterlaced(PngHeader header, byte[]? palette, RowInflater rows, byte[] rgb, string name)
    {
        int width = header.Width;
        byte[] passRow = new byte[width * 3];
        foreach (Adam7Pass pass in Adam7Pass.All)
        {
            int columns = pass.Columns(header.Width);
            int passRows = pass.Rows(header.Height);
            if (columns == 0 || passRows == 0)
            {
                continue;
            }

            DecodePass(header, palette, rows, columns, passRows, name, (y, pixels) =>
            {
                // Called after the previous row was scattered: reuse one buffer.
                return passRow.AsSpan(0, pixels * 3);
            }, (y, converted) =>
            {
                int outputRow = pass.YStart + y * pass.YStep;
                Span<byte> target = rgb.AsSpan(outputRow * width * 3, width * 3);
                int x = pass.XStart * 3;
                int step = pass.XStep * 3;
                for (int i = 0; i < converted.Length; i += 3, x += step)
                {
                    target[x] = converted[i];
                    target[x + 1] = converted[i + 1];
                    target[x + 2] = converted[i + 2];
                }
            });
        }
    }

    private delegate Span<byte> RowTarget(int y, int pixels);

    private delegate void RowDone(int y, ReadOnlySpan<byte> converted);

    // Inflates, unfilters and converts one image (or Adam7 pass) of 'columns' x 'rowCount' pixels.
    private static void DecodePass(
        PngHeader header, byte[]? palette, RowInflater rows, int columns, int rowCount, string name, RowTarget target, RowDone? done = null)
    {
        int rowBytes = (int)header.RowBytes(columns);
        int distance = header.FilterDistance;
        byte[] current = new byte[rowBytes + 1];
        byte[] previous = new byte[rowBytes + 1];
        for (int y = 0; y < rowCount; y++)
        {
            rows.ReadRow(current);
            byte filter = current[0];
            Span<byte> samples = current.AsSpan(1);
            if (!PngFilters.Unfilter(filter, samples, previous.AsSpan(1), distance))
            {
                throw new InvalidImageException($"{name}: the image data is corrupt (a row has unknown filter type {filter})");
            }

            Span<byte> output = target(y, columns);
            int badIndex = PngPixels.ToRgb(header, palette, samples, columns, output);
            if (badIndex >= 0)
            {
                throw new InvalidImageException(
                    $"{name}: the image data is corrupt (palette index {badIndex} is past the {palette!.Length / 3} PLTE entries)");
            }

            done?.Invoke(y, output);
            (current, previous) = (previous, current);
        }
    }

    /// <summary>Reads filtered rows from the zlib stream, never inflating more than the header requires.</summary>
    private sealed class RowInflater(Stream compressed, long expected, string name) : IDisposable
    {
        private readonly ZLibStream _zlib = new(compressed, CompressionMode.Decompress, leaveOpen: true);
        private long _inflated;

        public void ReadRow(Span<byte> row)
        {
            int filled = 0;
            while (filled < row.Length)
            {
                int read = _zlib.Read(row[filled..]);
                if (read == 0)
                {
                    throw new InvalidImageException(
                        $"{name}: the image data is corrupt or truncated (it holds {_inflated + filled} of the {expected} bytes the header requires)");
                }

                filled += read;
            }

            _inflated += filled;
        }

        public void Dispose() => _zlib.Dispose();
    }

    /// <summary>Reads chunks forward from a stream, verifying CRCs and mapping failures to one-line messages.</summary>
    private sealed class ChunkReader(Stream stream, string name)
    {
        private const int CopyBlock = 1 << 16;
        private readonly byte[] _header = new byte[8];

        public void ReadSignature()
        {
            Span<byte> signature = _header;
            int read = Read(signature);
            if (read < signature.Length)
            {
                throw Truncated("the file ends inside the PNG signature");
            }

            if (!signature.SequenceEqual(PngChunks.Signature))
            {
                throw new InvalidImageException($"{name}: the PNG signature is damaged (was the file transferred in text mode?)");
            }
        }

        public bool TryReadChunkHeader(out uint length, out string type)
        {
            int read = Read(_header);
            length = 0;
            type = string.Empty;
            if (read == 0)
            {
                return false; // end of file without IEND: accepted when the image data is complete
            }

            if (read < 8)
            {
                throw Truncated("the file ends inside a chunk header");
            }

            length = BinaryPrimitives.ReadUInt32BigEndian(_header);
            ReadOnlySpan<byte> typeBytes = _header.AsSpan(4);
            foreach (byte b in typeBytes)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    throw Damaged($"a chunk type is not four letters (0x{Convert.ToHexString(typeBytes)})");
                }
            }

            type = Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue)
            {
                throw Damaged($"the {type} chunk claims {length} bytes, more than PNG allows");
            }

            if (stream.CanSeek && stream.Length - stream.Position < length + 4L && type != "IEND")
            {
                throw Truncated($"the file ends inside the {type} chunk");
            }

            return true;
        }

        public byte[] ReadCriticalChunk(uint length, string type, int maxLength)
        {
            if (length > maxLength)
            {
                throw Damaged($"the {type} chunk is {length} bytes long, more than the {maxLength} it may have");
            }

            byte[] data = new byte[length];
            ReadExactly(data, type);
            if (!CrcMatches(type, data))
            {
                throw Damaged($"the {type} chunk has a bad CRC");
            }

            return data;
        }

        public byte[]? ReadAncillaryChunk(uint length)
        {
            byte[] data = new byte[length];
            ReadExactly(data, "eXIf");
            return CrcMatches("eXIf", data) ? data : null;
        }

        public void ReadImageData(uint length, MemoryStream compressed)
        {
            uint crc = Crc32.Append(0, "IDAT"u8);
            byte[] block = new byte[(int)Math.Min(length, CopyBlock)];
            for (long left = length; left > 0;)
            {
                Span<byte> data = block.AsSpan(0, (int)Math.Min(left, block.Length));
                ReadExactly(data, "IDAT");
                crc = Crc32.Append(crc, data);
                compressed.Write(data);
                left -= data.Length;
            }

            Span<byte> stored = _header.AsSpan(0, 4);
            ReadExactly(stored, "IDAT");
            if (BinaryPrimitives.ReadUInt32BigEndian(stored) != crc)
            {
                throw Damaged("an IDAT chunk has a bad CRC");
            }
        }

        public void Skip(uint length)
        {
            long count = length + 4L;
            if (stream.CanSeek)
            {
                stream.Seek(count, SeekOrigin.Current);
                return;
            }

            byte[] scratch = new byte[(int)Math.Min(count, CopyBlock)];
            while (count > 0)
            {
                int read = Read(scratch.AsSpan(0, (int)Math.Min(count, scratch.Length)));
                if (read == 0)
                {
                    throw Truncated("the file ends inside a chunk");
                }

                count -= read;
            }
        }

        public InvalidImageException Damaged(string problem) => new($"{name}: the PNG file is damaged ({problem})");

        public InvalidImageException Truncated(string problem) => new($"{name}: the file is corrupt or truncated ({problem})");

        private bool CrcMatches(string type, ReadOnlySpan<byte> data)
        {
            Span<byte> stored = _header.AsSpan(0, 4);
            ReadExactly(stored, type);
            uint crc = Crc32.Append(Crc32.Append(0, Encoding.ASCII.GetBytes(type)), data);
            return BinaryPrimitives.ReadUInt32BigEndian(stored) == crc;
        }

        private void ReadExactly(Span<byte> data, string type)
        {
            if (Read(data) < data.Length)
            {
                throw Truncated($"the file ends inside the {type} chunk");
            }
        }

        private int Read(Span<byte> data)
        {
            try
            {
                return stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
            }
            catch (IOException e)
            {
                throw new InvalidImageException($"{name}: cannot read the file ({ImageLoader.OneLine(e.Message)})", e);
            }
        }
    }
}
