using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Imaging.Png;

/// <summary>A decoded picture as RGB24 plus the raw eXIf payload of a PNG, when it has one.</summary>
internal sealed record LoadedImage(int Width, int Height, byte[] Rgb, byte[]? Exif);

/// <summary>
/// Loads any image ImageSharp understands into RGB24 with every failure turned into one
/// <see cref="InvalidImageException"/> whose one-line message names the source and the problem.
/// </summary>
internal static class ImageLoader
{
    private static readonly DecoderOptions s_options = new()
    {
        MaxFrames = 1,
        SkipMetadata = true,
        ColorProfileHandling = ColorProfileHandling.Preserve,
    };

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
    /// Identifies the image (header only), checks it against <paramref name="limits"/> and
    /// <paramref name="check"/> (which returns a problem or null), then decodes it to RGB24.
    /// Any format ImageSharp reads is accepted: PNG of every colour type and depth (16-bit scaled to 8, palette
    /// expanded, alpha dropped), JPEG, BMP, GIF (first frame), WebP, TIFF...
    /// </summary>
    public static LoadedImage Load(Stream stream, string name, ImageLimits limits, Func<int, int, string?>? check = null)
    {
        long start = stream.Position;
        if (stream.Length - start <= 0)
        {
            throw new InvalidImageException($"{name}: the file is empty");
        }

        byte[]? exif = ReadExif(stream, name);
        ImageInfo info;
        try
        {
            info = Image.Identify(s_options, stream);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw Failure(name, e);
        }

        int width = info.Width;
        int height = info.Height;
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException($"{name}: the image header gives an empty size {width}x{height}");
        }

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

        stream.Position = start;
        try
        {
            problem = PngChunks.CheckImageData(stream);
            if (problem is not null)
            {
                throw new InvalidImageException($"{name}: {problem}");
            }

            stream.Position = start;
            using Image<Rgb24> image = Image.Load<Rgb24>(s_options, stream);
            if (image.Width != width || image.Height != height)
            {
                throw new InvalidImageException(
                    $"{name}: the decoded image is {image.Width}x{image.Height} px but its header says {width}x{height}");
            }

            byte[] rgb = new byte[checked(width * height * 3)];
            image.CopyPixelDataTo(rgb);
            return new LoadedImage(width, height, rgb, exif);
        }
        catch (Exception e) when (IsDecodeFailure(e))
        {
            throw Failure(name, e);
        }
    }

    /// <summary>Collapses a message onto one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static bool IsDecodeFailure(Exception e) =>
        e is ImageFormatException or InvalidMemoryOperationException or IOException or InvalidDataException or NotSupportedException
            or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException
            or OutOfMemoryException;

    private static InvalidImageException Failure(string name, Exception e) => e switch
    {
        UnknownImageFormatException => new InvalidImageException($"{name}: not an image in a supported format (PNG, JPEG, BMP, GIF, WebP, TIFF...)", e),
        InvalidImageContentException => new InvalidImageException($"{name}: the image data is corrupt or truncated ({OneLine(e.Message)})", e),
        ImageFormatException => new InvalidImageException($"{name}: the image is damaged ({OneLine(e.Message)})", e),
        InvalidDataException => new InvalidImageException($"{name}: the image data is corrupt or truncated (bad compressed data)", e),
        EndOfStreamException => new InvalidImageException($"{name}: the image data is corrupt or truncated (unexpected end of file)", e),
        InvalidMemoryOperationException or OutOfMemoryException => new InvalidImageException($"{name}: the image is too large to decode", e),
        _ => new InvalidImageException($"{name}: cannot decode the image ({OneLine(e.Message)})", e),
    };
}
