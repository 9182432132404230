using SkiaSharp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.TestKit;

namespace SpectroFlow.Imaging.Tests.Skia;

public sealed class SkiaImageDecoderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_JpegOfRiffusionSpectrogram_IsWithinJpegToleranceAndTakesDefaultParams()
    {
        SpectrogramImage original = SpectrogramPng.Read(Fixtures.Path(Fixtures.MonoPng));
        string jpeg = _temp.File("clip.jpg");
        File.WriteAllBytes(jpeg, EncodeJpeg(original, quality: 95));

        SpectrogramImage decoded = SpectrogramPng.Read(jpeg);

        decoded.Width.Should().Be(568);
        decoded.Height.Should().Be(512);
        decoded.Parameters.Should().Be(SpectrogramParams.Riffusion);
        decoded.MaxValue.Should().BeNull("a JPEG carries no Riffusion EXIF");
        (double meanError, int maxError) = Compare(original.Rgb, decoded.Rgb);
        meanError.Should().BeLessThan(2.0);
        maxError.Should().BeLessThan(40);
        meanError.Should().BeGreaterThan(0, "JPEG is lossy, so the pixels went through a real JPEG decoder");
    }

    [Fact]
    public void Read_BmpMadeByFfmpeg_HasExactlyThePixelsOfThePng()
    {
        string bmp = _temp.File("clip.bmp");
        FfmpegTool.Run("-i", Fixtures.Path(Fixtures.MonoPng), "-pix_fmt", "bgr24", bmp);
        SpectrogramImage original = SpectrogramPng.Read(Fixtures.Path(Fixtures.MonoPng));

        SpectrogramImage decoded = SpectrogramPng.Read(bmp);

        decoded.Rgb.Should().Equal(original.Rgb);
    }

    [Fact]
    public void Read_PngNamedJpg_GoesThroughThePngCodecByMagicBytes()
    {
        string renamed = _temp.File("really-a-png.jpg");
        File.Copy(Fixtures.Path(Fixtures.MonoPng), renamed);

        SpectrogramImage image = SpectrogramPng.Read(renamed);

        image.MaxValue.Should().Be(46801012.0, "the PNG's EXIF was read");
        image.Rgb.Should().Equal(SpectrogramPng.Read(Fixtures.Path(Fixtures.MonoPng)).Rgb);
    }

    [Fact]
    public void Read_TruncatedJpeg_IsOneLineNamingTheFile()
    {
        SpectrogramImage original = SpectrogramPng.Read(Fixtures.Path(Fixtures.MonoPng));
        byte[] jpeg = EncodeJpeg(original, quality: 90);
        string path = _temp.File("clip_3.jpg");
        File.WriteAllBytes(path, jpeg[..(jpeg.Length / 3)]);

        Action act = () => SpectrogramPng.Read(path);

        string message = act.Should().ThrowExactly<InvalidImageException>().Which.Message;
        message.Should().StartWith(path + ": the JPEG image is corrupt or truncated and cannot be decoded");
        message.Should().NotContainAny("\n", "\r");
    }

    internal static byte[] EncodeJpeg(SpectrogramImage image, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        byte[] rgba = new byte[image.Width * image.Height * 4];
        for (int i = 0, j = 0; i < image.Rgb.Length; i += 3, j += 4)
        {
            rgba[j] = image.Rgb[i];
            rgba[j + 1] = image.Rgb[i + 1];
            rgba[j + 2] = image.Rgb[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    private static (double Mean, int Max) Compare(byte[] a, byte[] b)
    {
        a.Length.Should().Be(b.Length);
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = Math.Abs(a[i] - b[i]);
            sum += d;
            max = Math.Max(max, d);
        }

        return ((double)sum / a.Length, max);
    }
}
