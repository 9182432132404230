using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Imaging.Exif;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging;

/// <summary>Riffusion's image utilities: <c>img2rgb</c> and <c>print-exif</c>.</summary>
public static class ImageConversions
{
    /// <summary>An 8-bit RGB image (row-major, <paramref name="width"/> × <paramref name="height"/> × 3 bytes) as PNG bytes (charts, thumbnails).</summary>
    public static byte[] EncodeRgbPng(int width, int height, byte[] rgb)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        return PngEncoder.Encode(rgb, width, height, PngColorType.Rgb);
    }

    /// <summary>
    /// Converts any PNG (palette, grayscale, 16-bit, alpha, interlaced...) into an 8-bit RGB PNG like
    /// PIL's <c>convert("RGB")</c>, keeping a PNG eXIf chunk byte for byte (placed right after IHDR). The output is
    /// written atomically. No spectrogram checks are made (any height is fine).
    /// </summary>
    /// <exception cref="InvalidImageException">The input is missing, not a PNG, corrupt or above <paramref name="limits"/>.</exception>
    public static void ToRgb(string input, string output, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentException.ThrowIfNullOrEmpty(output);
        LoadedImage loaded;
        using (FileStream stream = ImageLoader.Open(input))
        {
            loaded = ImageLoader.Load(stream, input, limits ?? ImageLimits.Default);
        }

        byte[] png = SpectrogramPng.EncodeRgb(loaded.Rgb, loaded.Width, loaded.Height, loaded.Exif);
        AtomicFile.WriteAllBytes(output, png);
    }

    /// <summary>
    /// Riffusion's <c>print-exif</c>: one line per Riffusion tag in the PNG eXIf chunk of <paramref name="path"/>,
    /// e.g. <c>NUM_FREQUENCIES      =             512</c>. Empty when the file has no (readable) eXIf chunk or no
    /// Riffusion tags; other tags are skipped (Riffusion would fail on them).
    /// </summary>
    /// <exception cref="InvalidImageException">The file is missing, unreadable or not a PNG.</exception>
    public static IReadOnlyList<string> FormatExif(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = ImageLoader.Open(path);
        ImageLoader.EnsurePng(stream, path);
        byte[]? payload = ImageLoader.ReadExif(stream, path);
        RiffusionExif? exif = payload is null ? null : RiffusionExif.Parse(payload);
        return exif is null ? [] : exif.FormatLines();
    }
}
