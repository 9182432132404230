using System.Buffers.Binary;
using System.Text;

namespace SpectroFlow.Imaging.Png;

/// <summary>Minimal PNG chunk handling: walking the chunk list, building chunks and splicing one in after IHDR.</summary>
internal static class PngChunks
{
    /// <summary>The largest eXIf payload read back (Riffusion's is 150 bytes; anything this big is not ours).</summary>
    public const int MaxExifLength = 1 << 20;

    /// <summary>The 8-byte PNG file signature.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The chunks of a complete PNG in memory: type, offset of the length field, data length, CRC valid.</summary>
    public static List<PngChunk> Walk(ReadOnlySpan<byte> png)
    {
        var chunks = new List<PngChunk>();
        if (!png.StartsWith(Signature))
        {
            return chunks;
        }

        long at = Signature.Length;
        while (at + 12 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[(int)at..]);
            if (at + 12 + length > png.Length)
            {
                break;
            }

            ReadOnlySpan<byte> typeAndData = png.Slice((int)at + 4, 4 + (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[((int)at + 8 + (int)length)..]);
            string type = Encoding.ASCII.GetString(typeAndData[..4]);
            chunks.Add(new PngChunk(type, (int)at, (int)length, Crc32.Compute(typeAndData) == crc));
            at += 12 + length;
            if (type == "IEND")
            {
                break;
            }
        }

        return chunks;
    }

    /// <summary>A chunk: 4-byte big-endian length, 4-byte type, data, CRC-32 over type and data.</summary>
    public static byte[] Build(string type, ReadOnlySpan<byte> data)
    {
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4, 4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>Returns <paramref name="png"/> with a <paramref name="type"/> chunk inserted right after IHDR.</summary>
    public static byte[] InsertAfterHeader(ReadOnlySpan<byte> png, string type, ReadOnlySpan<byte> data)
    {
        List<PngChunk> chunks = Walk(png);
        if (chunks.Count == 0 || chunks[0].Type != "IHDR")
        {
            throw new InvalidOperationException("The encoder produced a PNG without a leading IHDR chunk.");
        }

        int split = chunks[0].Offset + 12 + chunks[0].Length;
        byte[] chunk = Build(type, data);
        byte[] result = new byte[png.Length + chunk.Length];
        png[..split].CopyTo(result);
        chunk.CopyTo(result.AsSpan(split));
        png[split..].CopyTo(result.AsSpan(split + chunk.Length));
        return result;
    }

    /// <summary>
    /// The payload of the first eXIf chunk with a valid CRC in a seekable PNG stream (read from the current
    /// position, which must be the signature), or null when there is none, the stream is not a PNG, or the chunk
    /// list is damaged before one is found. Seeks over other chunks without reading them; restores nothing.
    /// </summary>
    public static byte[]? FindExif(Stream stream)
    {
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8 || !header.SequenceEqual(Signature))
        {
            return null;
        }

        while (true)
        {
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                return null;
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > int.MaxValue || stream.Position + length + 4 > stream.Length)
            {
                return null;
            }

            if (header[4..].SequenceEqual("eXIf"u8) && length <= MaxExifLength)
            {
                byte[] buffer = new byte[4 + length + 4];
                header[4..].CopyTo(buffer);
                stream.ReadExactly(buffer, 4, (int)length + 4);
                uint crc = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4 + (int)length));
                if (Crc32.Compute(buffer.AsSpan(0, 4 + (int)length)) == crc)
                {
                    return buffer.AsSpan(4, (int)length).ToArray();
                }

                continue;
            }

            if (header[4..].SequenceEqual("IEND"u8))
            {
                return null;
            }

            stream.Seek(length + 4, SeekOrigin.Current);
        }
    }
}

/// <summary>One chunk found by <see cref="PngChunks.Walk"/>.</summary>
/// <param name="Type">Four-letter chunk type.</param>
/// <param name="Offset">Offset of the chunk's length field in the file.</param>
/// <param name="Length">Length of the chunk data.</param>
/// <param name="CrcValid">Whether the stored CRC matches.</param>
internal readonly record struct PngChunk(string Type, int Offset, int Length, bool CrcValid);
