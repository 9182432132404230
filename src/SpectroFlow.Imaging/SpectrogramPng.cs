using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Exif;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging;

/// <summary>
/// Spectrogram images as PNG files, compatible with Riffusion.
/// <para>
/// Writing: Riffusion parameters (<see cref="IntensityScale.PerImageMax"/>) give an 8-bit RGB PNG (colour type 2)
/// whose chunks are IHDR, eXIf, IDAT..., IEND; the eXIf payload is Riffusion's big-endian TIFF with tags
/// 11000..11080 (MAX_VALUE only when <see cref="SpectrogramImage.MaxValue"/> is set). chavinlo parameters give an
/// 8-bit grayscale PNG of the R channel without EXIF. Files are written atomically through <see cref="AtomicFile"/>.
/// </para>
/// <para>
/// Reading: PNGs of any colour type, bit depth and interlacing become RGB24 like PIL's <c>convert("RGB")</c>
/// (16-bit samples keep their high byte, alpha is ignored); JPEG, BMP and WebP (told by their first bytes) are
/// decoded by SkiaSharp and take the fallback parameters (they carry no Riffusion EXIF); other formats (GIF, TIFF...)
/// are refused with a hint to convert them to PNG. Parameters
/// come from a PNG eXIf chunk when all of tags 11000..11070 are present and valid, else from the fallback
/// (<see cref="SpectrogramParams.Riffusion"/> by default), as Riffusion does. A corrupt eXIf chunk (bad CRC, bad
/// offsets, malformed TIFF) is ignored the same way: fallback parameters and no MaxValue. The image must be at
/// least 2 px wide and exactly as high as the parameters' number of mel bins. Every problem with the input is
/// reported as one <see cref="InvalidImageException"/> naming the file and the problem.
/// </para>
/// </summary>
public static class SpectrogramPng
{
    /// <summary>Encodes <paramref name="image"/> as PNG bytes (see the type remarks for the layout).</summary>
    /// <exception cref="ArgumentException">The image height differs from the parameters' mel bin count, or chavinlo with stereo.</exception>
    public static byte[] Encode(SpectrogramImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        SpectrogramParams parameters = image.Parameters;
        if (image.Height != parameters.NumFrequencies)
        {
            throw new ArgumentException(
                $"The image is {image.Height} px high but its parameters say {parameters.NumFrequencies} mel bins.", nameof(image));
        }

        if (parameters.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            if (parameters.Stereo)
            {
                throw new ArgumentException("chavinlo (grayscale) images cannot be stereo.", nameof(image));
            }

            return EncodeGray(image);
        }

        byte[] exif = RiffusionExif.FromParams(parameters, image.MaxValue).ToTiff();
        return EncodeRgb(image.Rgb, image.Width, image.Height, exif);
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="path"/> atomically (no partial file on failure).</summary>
    public static void Write(string path, SpectrogramImage image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] png = Encode(image);
        AtomicFile.WriteAllBytes(path, png);
    }

    /// <summary>Reads a spectrogram image file.</summary>
    /// <param name="path">PNG file, with or without Riffusion EXIF.</param>
    /// <param name="fallback">Parameters when the file has no complete Riffusion EXIF; default <see cref="SpectrogramParams.Riffusion"/>.</param>
    /// <param name="limits">Size limits checked before decoding; default <see cref="ImageLimits.Default"/>.</param>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, not a PNG, corrupt, too large, or of the wrong height.</exception>
    public static SpectrogramImage Read(string path, SpectrogramParams? fallback = null, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = ImageLoader.Open(path);
        return Read(stream, path, fallback, limits);
    }

    /// <summary>Reads a spectrogram image from <paramref name="stream"/>; <paramref name="name"/> labels messages.</summary>
    /// <inheritdoc cref="Read(string, SpectrogramParams?, ImageLimits?)" path="/param[@name='fallback']"/>
    /// <inheritdoc cref="Read(string, SpectrogramParams?, ImageLimits?)" path="/param[@name='limits']"/>
    /// <exception cref="InvalidImageException">The data is not a PNG, corrupt, too large, or of the wrong height.</exception>
    public static SpectrogramImage Read(Stream stream, string name, SpectrogramParams? fallback = null, ImageLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        return ReadCore(stream, name, fallback ?? SpectrogramParams.Riffusion, limits ?? ImageLimits.Default, anyHeight: false);
    }

    /// <summary>
    /// Reads the EXIF parameters (else <paramref name="fallback"/>) and the pixels; with <paramref name="anyHeight"/> the
    /// mel bin count follows the image instead of being checked against it.
    /// </summary>
    private static SpectrogramImage ReadCore(Stream stream, string name, SpectrogramParams fallback, ImageLimits limits, bool anyHeight)
    {
        Stream seekable = ImageLoader.Seekable(stream, name);
        try
        {
            byte[]? payload = ImageLoader.ReadExif(seekable, name);
            RiffusionExif? exif = payload is null ? null : RiffusionExif.Parse(payload);
            SpectrogramParams parameters = fallback;
            double? maxValue = null;
            if (exif is not null && exif.TryGetParams(fallback, out SpectrogramParams fromExif))
            {
                parameters = fromExif;
                maxValue = exif.MaxValue;
            }

            LoadedImage loaded = ImageLoader.Load(seekable, name, limits, anyHeight ? null : (width, height) => CheckSize(width, height, parameters));
            if (anyHeight)
            {
                parameters = parameters with { NumFrequencies = loaded.Height };
            }

            return new SpectrogramImage(loaded.Width, loaded.Height, loaded.Rgb, parameters, maxValue, name);
        }
        finally
        {
            if (!ReferenceEquals(seekable, stream))
            {
                seekable.Dispose();
            }
        }
    }

    /// <summary>
    /// Reads any picture (PNG, JPEG, BMP, WebP) whatever its height, e.g. an img2img init image or a mask: the parameters
    /// come from its Riffusion EXIF when present, else Riffusion's, with the mel bin count set to the image's height.
    /// </summary>
    /// <exception cref="InvalidImageException">The file is missing, unreadable, not an image, corrupt or too large.</exception>
    public static SpectrogramImage ReadAnyHeight(string path, ImageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream stream = ImageLoader.Open(path);
        return ReadCore(stream, path, SpectrogramParams.Riffusion, limits ?? ImageLimits.Default, anyHeight: true);
    }

    /// <summary>Encodes an RGB24 buffer as an 8-bit RGB PNG, with an eXIf chunk right after IHDR when given.</summary>
    internal static byte[] EncodeRgb(byte[] rgb, int width, int height, byte[]? exif = null) =>
        PngEncoder.Encode(rgb, width, height, PngColorType.Rgb, exif);

    private static byte[] EncodeGray(SpectrogramImage image)
    {
        byte[] gray = new byte[image.Width * image.Height];
        ReadOnlySpan<byte> rgb = image.Rgb;
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = rgb[i * 3];
        }

        return PngEncoder.Encode(gray, image.Width, image.Height, PngColorType.Gray);
    }

    private static string? CheckSize(int width, int height, SpectrogramParams parameters)
    {
        if (height != parameters.NumFrequencies)
        {
            return $"image is {height} px high but the spectrogram params expect {parameters.NumFrequencies} mel bins";
        }

        if (width < 2)
        {
            return $"image is {width} px wide but a spectrogram needs at least 2 columns (STFT frames)";
        }

        return null;
    }
}
