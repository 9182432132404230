using SpectroFlow.Core.Items;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Tests;

public sealed class ImageConversionsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ToRgb_PaletteImage_WritesRgbPngThroughPalette()
    {
        string output = _temp.File("og_beat_rgb.png");

        ImageConversions.ToRgb(Fixtures.Path("seed_images/og_beat.png"), output);

        byte[] png = File.ReadAllBytes(output);
        png[8 + 8 + 8].Should().Be(8);
        png[8 + 8 + 9].Should().Be(2, "colour type 2 = RGB");
        PngChunks.Walk(png).Select(c => c.Type).Should().NotContain("eXIf");
        SpectrogramImage image = SpectrogramPng.Read(output);
        long[] sums = new long[3];
        for (int i = 0; i < image.Rgb.Length; i++)
        {
            sums[i % 3] += image.Rgb[i];
        }

        sums.Should().Equal(44849810, 44850718, 44850718);
    }

    [Fact]
    public void ToRgb_RiffusionPng_KeepsExifBytesAndPixels()
    {
        string input = Fixtures.Path(Fixtures.StereoPng);
        string output = _temp.File("stereo_rgb.png");

        ImageConversions.ToRgb(input, output);

        byte[] png = File.ReadAllBytes(output);
        List<PngChunk> chunks = PngChunks.Walk(png);
        chunks[0].Type.Should().Be("IHDR");
        chunks[1].Type.Should().Be("eXIf");
        SpectrogramPngTests.ExifOf(png).Should().Equal(SpectrogramPngTests.ExifOf(File.ReadAllBytes(input)));
        SpectrogramPng.Read(output).Rgb.Should().Equal(SpectrogramPng.Read(input).Rgb);
    }

    [Fact]
    public void ToRgb_GrayImage_CopiesGrayToAllChannels()
    {
        string output = _temp.File("agile_rgb.png");

        ImageConversions.ToRgb(Fixtures.Path("seed_images/agile.png"), output);

        SpectrogramImage image = SpectrogramPng.Read(output);
        image[0, 0, 0].Should().Be(174);
        image[0, 0, 2].Should().Be(174);
        image[511, 511, 1].Should().Be(183);
    }

    [Fact]
    public void FormatExif_RiffusionMonoPng_PrintsLikeRiffusion()
    {
        IReadOnlyList<string> lines = ImageConversions.FormatExif(Fixtures.Path(Fixtures.MonoPng));

        lines.Should().Equal(
            "SAMPLE_RATE          =           44100",
            "STEREO               =               0",
            "STEP_SIZE_MS         =              10",
            "WINDOW_DURATION_MS   =             100",
            "PADDED_DURATION_MS   =             400",
            "NUM_FREQUENCIES      =             512",
            "MIN_FREQUENCY        =               0",
            "MAX_FREQUENCY        =           10000",
            "POWER_FOR_IMAGE      =            0.25",
            "MAX_VALUE            =      46801012.0");
    }

    [Fact]
    public void FormatExif_ImageWithoutExif_IsEmpty()
    {
        ImageConversions.FormatExif(Fixtures.Path("seed_images/agile.png")).Should().BeEmpty();
    }

    [Fact]
    public void FormatExif_MissingFile_ThrowsInvalidImage()
    {
        string path = _temp.File("nope.png");

        Action act = () => ImageConversions.FormatExif(path);

        act.Should().ThrowExactly<Core.Errors.InvalidImageException>().WithMessage(path + ": cannot open the file*");
    }
}
