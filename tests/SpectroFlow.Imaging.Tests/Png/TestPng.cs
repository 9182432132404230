using System.Buffers.Binary;
using System.IO.Compression;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Tests.Png;

/// <summary>
/// Builds PNG bytes for tests, independently of the production encoder: any colour type, bit depth and Adam7
/// interlacing, filter type 0 on every row, plus helpers to assemble arbitrary (broken) chunk lists.
/// </summary>
internal static class TestPng
{
    private static readonly (int X, int Y, int Dx, int Dy)[] s_adam7 =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>
    /// A complete PNG of <paramref name="samples"/>: width x height x channels sample values (row-major, each below
    /// 2^bitDepth), with a PLTE chunk when <paramref name="palette"/> is given.
    /// </summary>
    public static byte[] Build(
        int width, int height, PngColorType colorType, int bitDepth, int[] samples, bool interlaced = false, byte[]? palette = null)
    {
        byte[] data = Scanlines(width, height, PngHeader.ChannelsOf(colorType), bitDepth, samples, interlaced);
        return Assemble(Header(width, height, bitDepth, colorType, interlaced), Deflate(data), palette);
    }

    /// <summary>The filtered image data (filter type 0) of <paramref name="samples"/>.</summary>
    public static byte[] Scanlines(int width, int height, int channels, int bitDepth, int[] samples, bool interlaced = false)
    {
        var output = new MemoryStream();
        (int X, int Y, int Dx, int Dy)[] passes = interlaced ? s_adam7 : [(0, 0, 1, 1)];
        foreach ((int x0, int y0, int dx, int dy) in passes)
        {
            for (int y = y0; y < height; y += dy)
            {
                var row = new List<int>();
                for (int x = x0; x < width; x += dx)
                {
                    row.AddRange(samples.AsSpan((y * width + x) * channels, channels).ToArray());
                }

                if (row.Count == 0)
                {
                    break;
                }

                output.WriteByte(0);
                output.Write(Pack(row, bitDepth));
            }
        }

        return output.ToArray();
    }

    /// <summary>IHDR data.</summary>
    public static byte[] Header(int width, int height, int bitDepth, PngColorType colorType, bool interlaced = false)
    {
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = (byte)bitDepth;
        ihdr[9] = (byte)colorType;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        return ihdr;
    }

    /// <summary>Signature, IHDR, optional PLTE, one IDAT, IEND.</summary>
    public static byte[] Assemble(byte[] ihdr, byte[] idat, byte[]? palette = null)
    {
        var chunks = new List<byte[]> { PngChunks.Build("IHDR", ihdr) };
        if (palette is not null)
        {
            chunks.Add(PngChunks.Build("PLTE", palette));
        }

        chunks.Add(PngChunks.Build("IDAT", idat));
        chunks.Add(PngChunks.Build("IEND", []));
        return Concat([PngChunks.Signature.ToArray(), .. chunks]);
    }

    /// <summary>zlib-compresses <paramref name="data"/>.</summary>
    public static byte[] Deflate(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The byte arrays one after another.</summary>
    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Pack(List<int> samples, int bitDepth)
    {
        if (bitDepth == 16)
        {
            return samples.SelectMany(s => new[] { (byte)(s >> 8), (byte)s }).ToArray();
        }

        if (bitDepth == 8)
        {
            return samples.Select(s => (byte)s).ToArray();
        }

        int perByte = 8 / bitDepth;
        byte[] packed = new byte[(samples.Count + perByte - 1) / perByte];
        for (int i = 0; i < samples.Count; i++)
        {
            packed[i / perByte] |= (byte)(samples[i] << (8 - bitDepth * (i % perByte + 1)));
        }

        return packed;
    }
}
