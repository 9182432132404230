using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Tests.Png;

public sealed class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(64, 33)]
    public void Encode_RgbAndGray_RoundTripThroughTheDecoder(int width, int height)
    {
        byte[] rgb = new byte[width * height * 3];
        new Random(width + height).NextBytes(rgb);
        byte[] gray = rgb.AsSpan(0, width * height).ToArray();

        LoadedImage color = Decode(PngEncoder.Encode(rgb, width, height, PngColorType.Rgb));
        LoadedImage mono = Decode(PngEncoder.Encode(gray, width, height, PngColorType.Gray));

        color.Rgb.Should().Equal(rgb);
        mono.Rgb.Should().Equal(gray.SelectMany(g => new[] { g, g, g }));
    }

    [Fact]
    public void Encode_LargeIncompressibleImage_SplitsImageDataIntoChunks()
    {
        byte[] rgb = new byte[1000 * 400 * 3];
        new Random(1).NextBytes(rgb);

        byte[] png = PngEncoder.Encode(rgb, 1000, 400, PngColorType.Rgb, [1, 2, 3]);

        List<PngChunk> chunks = PngChunks.Walk(png);
        chunks.Select(c => c.Type).Should().Equal("IHDR", "eXIf", "IDAT", "IDAT", "IEND");
        chunks.Should().OnlyContain(c => c.CrcValid);
        chunks[2].Length.Should().Be(PngEncoder.MaxImageDataChunk);
        Decode(png).Rgb.Should().Equal(rgb);
    }

    [Fact]
    public void Encode_RiffusionFixture_IsPixelIdenticalAndNoLargerThanPilsFile()
    {
        byte[] original = File.ReadAllBytes(Fixtures.Path(Fixtures.StereoPng));
        LoadedImage image = Decode(original);

        byte[] png = PngEncoder.Encode(image.Rgb, image.Width, image.Height, PngColorType.Rgb, image.Exif);

        Decode(png).Rgb.Should().Equal(image.Rgb);
        png.Length.Should().BeLessThan(original.Length * 105 / 100, "zlib level 3 + Sub stays within a few % of PIL's output");
    }

    [Fact]
    public void Encode_WrongBufferLength_Throws()
    {
        Action act = () => PngEncoder.Encode(new byte[10], 2, 2, PngColorType.Rgb);

        act.Should().Throw<ArgumentException>().WithMessage("*needs 12 bytes, got 10*");
    }

    private static LoadedImage Decode(byte[] png) => PngDecoder.Decode(new MemoryStream(png), "test.png", ImageLimits.Default);
}
