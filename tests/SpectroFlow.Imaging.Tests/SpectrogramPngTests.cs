using System.Buffers.Binary;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Png;
using SpectroFlow.Imaging.Tests.Png;

namespace SpectroFlow.Imaging.Tests;

public sealed class SpectrogramPngTests
{
    private const double RiffusionMaxValue = 46801012.0;

    [Fact]
    public void Read_RiffusionMonoPng_HasGoldenPixelsAndParams()
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path(Fixtures.MonoPng));

        image.Width.Should().Be(568);
        image.Height.Should().Be(512);
        image.Parameters.Should().Be(SpectrogramParams.Riffusion);
        image.MaxValue.Should().Be(RiffusionMaxValue);
        image.Name.Should().EndWith(Fixtures.MonoPng);
        image[511, 0, 0].Should().Be(160);
        image[411, 284, 0].Should().Be(174);
        image[0, 567, 0].Should().Be(108);
        image[494, 190, 0].Should().Be(0);
        image[0, 0, 0].Should().Be(166);
        (int min, int max, long[] sums, bool gray) = Stats(image);
        min.Should().Be(0);
        max.Should().Be(226);
        gray.Should().BeTrue("the mono image has R = G = B everywhere");
        sums.Should().Equal(44444900, 44444900, 44444900); // from /work/shared/tools/metrics.py read_png
    }

    [Fact]
    public void Read_RiffusionStereoPng_HasZeroRedAndStereoParams()
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path(Fixtures.StereoPng));

        image.Width.Should().Be(568);
        image.Height.Should().Be(512);
        SpectrogramParams p = image.Parameters;
        p.Stereo.Should().BeTrue();
        p.SampleRate.Should().Be(44100);
        p.StepSizeMs.Should().Be(10);
        p.WindowDurationMs.Should().Be(100);
        p.PaddedDurationMs.Should().Be(400);
        p.NumFrequencies.Should().Be(512);
        p.MinFrequency.Should().Be(0);
        p.MaxFrequency.Should().Be(10000);
        p.PowerForImage.Should().Be(0.25);
        p.Should().Be(SpectrogramParams.Riffusion with { Stereo = true });
        image.MaxValue.Should().Be(RiffusionMaxValue);
        (_, _, long[] sums, _) = Stats(image);
        sums.Should().Equal(0, 44444900, 44455081);
        image[511, 0, 1].Should().Be(160);
        image[511, 0, 2].Should().Be(165);
        image[494, 190, 2].Should().Be(2);
    }

    [Fact]
    public void Read_FallbackGivenButExifComplete_UsesExif()
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path(Fixtures.StereoPng), SpectrogramParams.Riffusion with { GriffinLimIterations = 7 });

        image.Parameters.Stereo.Should().BeTrue();
        image.Parameters.GriffinLimIterations.Should().Be(7, "fields EXIF does not carry come from the fallback");
    }

    [Fact]
    public void Encode_DefaultMonoWithRiffusionMax_ExifIsByteIdenticalToRiffusion()
    {
        byte[] riffusionExif = ExifOf(File.ReadAllBytes(Fixtures.Path(Fixtures.MonoPng)));
        SpectrogramImage image = SolidImage(SpectrogramParams.Riffusion, 4, RiffusionMaxValue);

        byte[] exif = ExifOf(SpectrogramPng.Encode(image));

        riffusionExif.Should().HaveCount(150);
        exif.Should().Equal(riffusionExif);
    }

    [Fact]
    public void Encode_DefaultMonoOtherMax_ExifMatchesRiffusionExceptMaxValue()
    {
        byte[] riffusionExif = ExifOf(File.ReadAllBytes(Fixtures.Path(Fixtures.MonoPng)));
        SpectrogramImage image = SolidImage(SpectrogramParams.Riffusion, 4, 1234.5);

        byte[] exif = ExifOf(SpectrogramPng.Encode(image));

        exif.Should().HaveCount(150);
        exif.AsSpan(0, 142).ToArray().Should().Equal(riffusionExif.AsSpan(0, 142).ToArray());
        BinaryPrimitives.ReadDoubleBigEndian(exif.AsSpan(142)).Should().Be(1234.5);
        Convert.ToHexString(exif.AsSpan(0, 10)).Should().Be("4D4D002A00000008000A");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Encode_Riffusion_ChunkOrderIsHeaderExifDataEnd(bool stereo)
    {
        SpectrogramImage image = SolidImage(SpectrogramParams.Riffusion with { Stereo = stereo }, 3, 10.0);

        byte[] png = SpectrogramPng.Encode(image);

        List<PngChunk> chunks = PngChunks.Walk(png);
        chunks.Should().OnlyContain(c => c.CrcValid);
        chunks[0].Type.Should().Be("IHDR");
        chunks[1].Type.Should().Be("eXIf");
        chunks[2].Type.Should().Be("IDAT");
        chunks[^1].Type.Should().Be("IEND");
        chunks.Skip(2).SkipLast(1).Should().OnlyContain(c => c.Type == "IDAT");
        png[8 + 8 + 8].Should().Be(8, "bit depth 8");
        png[8 + 8 + 9].Should().Be(2, "colour type 2 = RGB");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteThenRead_NonDefaultParams_RoundTripsPixelsParamsAndMax(bool stereo)
    {
        SpectrogramParams parameters = SpectrogramParams.Riffusion with
        {
            Stereo = stereo,
            SampleRate = 96000,
            StepSizeMs = 5,
            WindowDurationMs = 50,
            PaddedDurationMs = 200,
            NumFrequencies = 64,
            MinFrequency = 20,
            MaxFrequency = 20000,
            PowerForImage = 0.5,
        };
        byte[] rgb = RandomRgb(37, 64, seed: 5);
        if (stereo)
        {
            for (int i = 0; i < rgb.Length; i += 3)
            {
                rgb[i] = 0;
            }
        }

        var image = new SpectrogramImage(37, 64, rgb, parameters, 123456789.125);
        using var temp = new TempDirectory();
        string path = temp.File("out.png");

        SpectrogramPng.Write(path, image);
        SpectrogramImage back = SpectrogramPng.Read(path);

        back.Rgb.Should().Equal(rgb);
        back.Parameters.Should().Be(parameters);
        back.MaxValue.Should().Be(123456789.125);
        Directory.GetFiles(temp.Root).Should().HaveCount(1, "the atomic write leaves no temporary file");
        byte[] exif = ExifOf(File.ReadAllBytes(path));
        // first entry: tag 11000 (0x2AF8), type LONG (4) because 96000 > 65535, value 96000.
        Convert.ToHexString(exif.AsSpan(10, 12)).Should().Be("2AF80004000000010001770" + "0");
    }

    [Fact]
    public void WriteThenRead_NoMaxValue_OmitsTagAndReadsNull()
    {
        SpectrogramImage image = SolidImage(SpectrogramParams.Riffusion, 2, null);

        byte[] png = SpectrogramPng.Encode(image);
        SpectrogramImage back = SpectrogramPng.Read(new MemoryStream(png), "mem.png");

        ExifOf(png).Should().HaveCount(8 + 2 + 9 * 12 + 4 + 8);
        back.MaxValue.Should().BeNull();
        back.Parameters.Should().Be(SpectrogramParams.Riffusion);
    }

    [Fact]
    public void WriteThenRead_Chavinlo_IsGrayscaleWithoutExif()
    {
        byte[] rgb = RandomRgb(5, 512, seed: 9, gray: true);
        var image = new SpectrogramImage(5, 512, rgb, SpectrogramParams.Chavinlo);

        byte[] png = SpectrogramPng.Encode(image);
        SpectrogramImage back = SpectrogramPng.Read(new MemoryStream(png), "chavinlo.png", SpectrogramParams.Chavinlo);

        png[8 + 8 + 9].Should().Be(0, "colour type 0 = grayscale");
        PngChunks.Walk(png).Select(c => c.Type).Should().NotContain("eXIf");
        back.Rgb.Should().Equal(rgb);
        back.Parameters.Should().Be(SpectrogramParams.Chavinlo);
        back.MaxValue.Should().BeNull();
    }

    [Fact]
    public void Encode_HeightDiffersFromParams_Throws()
    {
        var image = new SpectrogramImage(2, 3, new byte[18], SpectrogramParams.Riffusion);

        Action act = () => SpectrogramPng.Encode(image);

        act.Should().Throw<ArgumentException>().WithMessage("*3 px high*512 mel bins*");
    }

    [Fact]
    public void Read_PaletteSeedImage_ConvertsThroughPalette()
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path("seed_images/og_beat.png"));

        image.Width.Should().Be(512);
        image.Height.Should().Be(512);
        image.Parameters.Should().Be(SpectrogramParams.Riffusion);
        image.MaxValue.Should().BeNull();
        (_, _, long[] sums, _) = Stats(image);
        sums.Should().Equal(44849810, 44850718, 44850718); // PLTE lookup, as metrics.py / PIL convert("RGB")
        image[0, 0, 0].Should().Be(149);
        image[100, 200, 0].Should().Be(189);
    }

    [Theory]
    [InlineData("seed_images/agile.png", 48325714L, 174)]
    [InlineData("seed_images/mask_beat_lines_80.png", 66184729L, 235)]
    public void Read_SeedImages_LoadAsRgbOfTheRightSize(string file, long channelSum, byte topLeft)
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path(file));

        image.Width.Should().Be(512);
        image.Height.Should().Be(512);
        (_, _, long[] sums, bool gray) = Stats(image);
        gray.Should().BeTrue();
        sums.Should().Equal(channelSum, channelSum, channelSum);
        image[0, 0, 0].Should().Be(topLeft);
    }

    [Fact]
    public void Read_RgbaPng_IgnoresAlpha()
    {
        int[] samples = new int[3 * 512 * 4];
        int[] first = [10, 20, 30, 0, 40, 50, 60, 128, 1, 2, 3, 4];
        first.CopyTo(samples, 0);
        new[] { 70, 80, 90, 255 }.CopyTo(samples, (511 * 3 + 2) * 4);

        SpectrogramImage image = ReadPng(TestPng.Build(3, 512, PngColorType.Rgba, 8, samples));

        Pixel(image, 0, 0).Should().Equal(10, 20, 30);
        Pixel(image, 0, 1).Should().Equal(40, 50, 60);
        Pixel(image, 511, 2).Should().Equal(70, 80, 90);
    }

    [Fact]
    public void Read_Gray16Png_KeepsHighByte()
    {
        int[] samples = new int[3 * 512];
        samples[0] = 0x00FF; // (v * 255 + 32767) / 65535 would give 1; the high byte is 0
        samples[1] = 0x8080;
        samples[2] = 65535;

        SpectrogramImage image = ReadPng(TestPng.Build(3, 512, PngColorType.Gray, 16, samples));

        Pixel(image, 0, 0).Should().Equal(0, 0, 0);
        Pixel(image, 0, 1).Should().Equal(128, 128, 128);
        Pixel(image, 0, 2).Should().Equal(255, 255, 255);
    }

    [Fact]
    public void Read_Rgb16Png_KeepsHighByte()
    {
        int[] samples = new int[2 * 512 * 3];
        new[] { 65535, 0, 0x8080 }.CopyTo(samples, 0);
        new[] { 0x10FF, 0xFFFF, 0x0101 }.CopyTo(samples, (5 * 2 + 1) * 3);

        SpectrogramImage image = ReadPng(TestPng.Build(2, 512, PngColorType.Rgb, 16, samples));

        Pixel(image, 0, 0).Should().Equal(255, 0, 128);
        Pixel(image, 5, 1).Should().Equal(16, 255, 1);
    }

    [Fact]
    public void Read_GrayAlphaPng_UsesGrayForAllChannels()
    {
        int[] samples = new int[2 * 512 * 2];
        new[] { 77, 0, 200, 255 }.CopyTo(samples, 0);

        SpectrogramImage image = ReadPng(TestPng.Build(2, 512, PngColorType.GrayAlpha, 8, samples));

        Pixel(image, 0, 0).Should().Equal(77, 77, 77);
        Pixel(image, 0, 1).Should().Equal(200, 200, 200);
    }

    [Theory]
    [InlineData((int)PngColorType.Rgb, 8)]
    [InlineData((int)PngColorType.Gray, 16)]
    [InlineData((int)PngColorType.Gray, 1)]
    public void Read_InterlacedPng_DecodesCompletely(int colorTypeCode, int bitDepth)
    {
        var colorType = (PngColorType)colorTypeCode;
        byte[] rgb = RandomRgb(13, 512, seed: 3, gray: colorType == PngColorType.Gray);
        if (bitDepth == 1)
        {
            for (int i = 0; i < rgb.Length; i++)
            {
                rgb[i] = rgb[i] >= 128 ? (byte)255 : (byte)0;
            }
        }

        int[] samples = colorType == PngColorType.Rgb
            ? rgb.Select(b => (int)b).ToArray()
            : rgb.Where((_, i) => i % 3 == 0).Select(b => bitDepth == 16 ? b * 257 : b / 255).ToArray();

        SpectrogramImage image = ReadPng(TestPng.Build(13, 512, colorType, bitDepth, samples, interlaced: true));

        image.Rgb.Should().Equal(rgb);
    }

    [Fact]
    public void Read_Jpeg_IsDecodedAndCheckedLikeAnyImage()
    {
        string path = Fixtures.PngPath("tiny.jpg");

        Action act = () => SpectrogramPng.Read(path);

        act.Should().ThrowExactly<InvalidImageException>()
            .Which.Message.Should().Be(path + ": image is 8 px high but the spectrogram params expect 512 mel bins");
    }

    [Fact]
    public void Read_NonSeekableStream_Works()
    {
        byte[] png = File.ReadAllBytes(Fixtures.Path(Fixtures.MonoPng));
        using var stream = new ForwardOnlyStream(png);

        SpectrogramImage image = SpectrogramPng.Read(stream, "pipe");

        image.MaxValue.Should().Be(RiffusionMaxValue);
        image[411, 284, 0].Should().Be(174);
    }

    internal static byte[] ExifOf(byte[] png)
    {
        PngChunk chunk = PngChunks.Walk(png).Single(c => c.Type == "eXIf");
        return png.AsSpan(chunk.Offset + 8, chunk.Length).ToArray();
    }

    private static SpectrogramImage SolidImage(SpectrogramParams parameters, int width, double? maxValue)
    {
        byte[] rgb = RandomRgb(width, parameters.NumFrequencies, seed: 1);
        return new SpectrogramImage(width, parameters.NumFrequencies, rgb, parameters, maxValue);
    }

    private static byte[] RandomRgb(int width, int height, int seed, bool gray = false)
    {
        var random = new Random(seed);
        byte[] rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        if (gray)
        {
            for (int i = 0; i < rgb.Length; i += 3)
            {
                rgb[i + 1] = rgb[i + 2] = rgb[i];
            }
        }

        return rgb;
    }

    private static SpectrogramImage ReadPng(byte[] png) => SpectrogramPng.Read(new MemoryStream(png), "built.png");

    private static byte[] Pixel(SpectrogramImage image, int row, int column) =>
        [image[row, column, 0], image[row, column, 1], image[row, column, 2]];

    private static (int Min, int Max, long[] Sums, bool Gray) Stats(SpectrogramImage image)
    {
        int min = 255;
        int max = 0;
        long[] sums = new long[3];
        bool gray = true;
        byte[] rgb = image.Rgb;
        for (int i = 0; i < rgb.Length; i += 3)
        {
            for (int c = 0; c < 3; c++)
            {
                sums[c] += rgb[i + c];
            }

            gray &= rgb[i] == rgb[i + 1] && rgb[i] == rgb[i + 2];
            min = Math.Min(min, rgb[i + 1]);
            max = Math.Max(max, rgb[i + 1]);
        }

        return (min, max, sums, gray);
    }

    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
