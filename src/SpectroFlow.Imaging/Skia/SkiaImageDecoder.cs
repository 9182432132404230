using SkiaSharp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Skia;

/// <summary>
/// Decodes JPEG, BMP and WebP images to RGB24 through SkiaSharp (libjpeg-turbo, libwebp: well-kept decoders, never
/// a hand-written one). The size is checked against <see cref="ImageLimits"/> from the header before any pixel is
/// decoded; data that does not decode completely (corrupt or truncated) is refused rather than returned half-grey.
/// These formats carry no Riffusion EXIF here, so their images take the fallback parameters.
/// </summary>
internal static class SkiaImageDecoder
{
    /// <summary>The formats this decoder takes, by name as <see cref="ImageLoader.OtherFormat"/> reports them.</summary>
    public static bool Supports(string formatName) => formatName is "JPEG" or "BMP" or "WebP";

    /// <summary>Decodes the image at the current position of <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidImageException">The data is corrupt, truncated, above the limits, or fails <paramref name="check"/>.</exception>
    /// <exception cref="NativeLibraryMissingException">SkiaSharp's native library (or libfontconfig) cannot be loaded.</exception>
    public static LoadedImage Decode(Stream stream, string name, string formatName, ImageLimits limits, Func<int, int, string?>? check)
    {
        byte[] data = ReadAll(stream, name);
        try
        {
            return DecodeBytes(data, name, formatName, limits, check);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            throw new NativeLibraryMissingException("libSkiaSharp.so", "libfontconfig1", "PNG images are read without it", e);
        }
    }

    private static LoadedImage DecodeBytes(byte[] data, string name, string formatName, ImageLimits limits, Func<int, int, string?>? check)
    {
        using var skStream = new SKMemoryStream(data);
        using SKCodec? codec = SKCodec.Create(skStream, out SKCodecResult opened);
        if (codec is null)
        {
            throw Corrupt(name, formatName, opened);
        }

        int width = codec.Info.Width;
        int height = codec.Info.Height;
        if (width <= 0 || height <= 0 || width > limits.MaxWidth || height > limits.MaxHeight || (long)width * height > limits.MaxPixels)
        {
            throw new InvalidImageException(
                $"{name}: the image is {width}x{height} px ({(long)width * height} pixels), above the limit of "
                + $"{limits.MaxWidth} px wide, {limits.MaxHeight} px high and {limits.MaxPixels} pixels");
        }

        if (check?.Invoke(width, height) is { } problem)
        {
            throw new InvalidImageException($"{name}: {problem}");
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[] rgba = new byte[(long)width * height * 4 <= Array.MaxLength ? width * height * 4 : throw new InvalidImageException($"{name}: the image is too large to decode ({width}x{height} px)")];
        SKCodecResult result;
        unsafe
        {
            fixed (byte* pixels = rgba)
            {
                result = codec.GetPixels(info, (nint)pixels);
            }
        }

        if (result != SKCodecResult.Success)
        {
            throw Corrupt(name, formatName, result);
        }

        byte[] rgb = new byte[width * height * 3];
        for (int source = 0, target = 0; target < rgb.Length; source += 4, target += 3)
        {
            rgb[target] = rgba[source];
            rgb[target + 1] = rgba[source + 1];
            rgb[target + 2] = rgba[source + 2];
        }

        return new LoadedImage(width, height, rgb, Exif: null);
    }

    private static InvalidImageException Corrupt(string name, string formatName, SKCodecResult result) =>
        new($"{name}: the {formatName} image is corrupt or truncated and cannot be decoded ({result})");

    private static byte[] ReadAll(Stream stream, string name)
    {
        try
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (IOException e)
        {
            throw new InvalidImageException($"{name}: cannot read the file ({ImageLoader.OneLine(e.Message)})", e);
        }
    }
}
