using SpectroFlow.Core.Errors;

namespace SpectroFlow.Imaging.Png;

/// <summary>A decoded picture as RGB24 plus the raw eXIf payload of a PNG, when it has one.</summary>
internal sealed record LoadedImage(int Width, int Height, byte[] Rgb, byte[]? Exif);

/// <summary>
/// Loads PNG images into RGB24 (through <see cref="PngDecoder"/>), and JPEG, BMP and WebP through SkiaSharp, with
/// every failure turned into one <see cref="InvalidImageException"/> whose one-line message names the source and the
/// problem. Other formats are recognised by their signature and refused with a hint to convert them to PNG.
/// </summary>
internal static class ImageLoader
{

    /// <summary>Opens <paramref name="path"/> for reading, mapping I/O failures to <see cref="InvalidImageException"/>.</summary>
    public static FileStream Open(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidImageException($"{path}: cannot open the file ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>A seekable view of <paramref name="stream"/> (the stream itself, or a copy in memory).</summary>
    public static Stream Seekable(Stream stream, string name)
    {
        if (stream.CanSeek)
        {
            return stream;
        }

        try
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            return copy;
        }
        catch (IOException e)
        {
            throw new InvalidImageException($"{name}: cannot read the stream ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>The raw eXIf payload of a PNG stream, or null; the stream is rewound to where it was.</summary>
    public static byte[]? ReadExif(Stream stream, string name)
    {
        long start = stream.Position;
        try
        {
            return PngChunks.FindExif(stream);
        }
        catch (IOException e)
        {
            throw new InvalidImageException($"{name}: cannot read the file ({OneLine(e.Message)})", e);
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>
    /// Decodes the image at the current position of <paramref name="stream"/> to RGB24 after checking its header
    /// against <paramref name="limits"/> and <paramref name="check"/> (which returns a problem or null). The format is
    /// told by the first bytes, never the file name: PNGs of every colour type and depth go through our own exact
    /// codec (see <see cref="PngDecoder"/>); JPEG, BMP and WebP through SkiaSharp (see
    /// <see cref="Skia.SkiaImageDecoder"/>); GIF, TIFF... are refused with a one-line message suggesting a conversion to PNG.
    /// </summary>
    public static LoadedImage Load(Stream stream, string name, ImageLimits limits, Func<int, int, string?>? check = null)
    {
        if (DecodedElsewhere(stream, name) is { } format)
        {
            return Skia.SkiaImageDecoder.Decode(stream, name, format, limits, check);
        }

        EnsurePng(stream, name);
        return PngDecoder.Decode(stream, name, limits, check);
    }

    /// <summary>The name of the format when the stream holds a JPEG, BMP or WebP (decoded by SkiaSharp), else null; the stream is rewound.</summary>
    private static string? DecodedElsewhere(Stream stream, string name)
    {
        Span<byte> head = stackalloc byte[16];
        int read = PeekHead(stream, name, head);

        return OtherFormat(head[..read]) is { } format && Skia.SkiaImageDecoder.Supports(format.Name) ? format.Name : null;
    }

    /// <summary>Reads up to <paramref name="head"/>'s length of the stream's first bytes and rewinds it; a read error is one line naming the file.</summary>
    private static int PeekHead(Stream stream, string name, Span<byte> head)
    {
        long start = stream.Position;
        try
        {
            int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            stream.Position = start;
            return read;
        }
        catch (IOException e)
        {
            throw new InvalidImageException($"{name}: cannot read the file ({OneLine(e.Message)})", e);
        }
    }

    /// <summary>
    /// Refuses anything but a PNG by its first bytes (empty files, other image formats with a conversion hint, files
    /// that are not images at all); the stream is rewound to where it was.
    /// </summary>
    public static void EnsurePng(Stream stream, string name)
    {
        Span<byte> head = stackalloc byte[16];
        int read = PeekHead(stream, name, head);

        head = head[..read];
        if (read == 0)
        {
            throw new InvalidImageException($"{name}: the file is empty");
        }

        if (!head.StartsWith(PngChunks.Signature[..Math.Min(4, read)]))
        {
            (string Name, string Extension)? format = OtherFormat(head);
            throw new InvalidImageException(format is { } known
                ? $"{name}: {known.Name} images are not supported; convert to PNG (e.g. ffmpeg -i in.{known.Extension} out.png)"
                : $"{name}: not an image in a supported format (PNG, JPEG, BMP and WebP are supported)");
        }
    }

    /// <summary>The name and usual file extension of a well-known non-PNG image format recognised from the first bytes, or null.</summary>
    public static (string Name, string Extension)? OtherFormat(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ("JPEG", "jpg");
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ("GIF", "gif");
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ("WebP", "webp");
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return ("TIFF", "tif");
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8) && head[8..12].SequenceEqual("avif"u8))
        {
            return ("AVIF", "avif");
        }

        if (head.StartsWith("qoif"u8))
        {
            return ("QOI", "qoi");
        }

        return head.Length >= 14 && head.StartsWith("BM"u8) && head[6..10].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0]) ? ("BMP", "bmp") : null;
    }

    /// <summary>Collapses a message onto one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
