using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Tests.Png;

public sealed class PngChunksTests
{
    [Fact]
    public void Crc32_KnownValues_MatchPng()
    {
        Crc32.Compute("IEND"u8).Should().Be(0xAE426082u);
        Crc32.Compute("123456789"u8).Should().Be(0xCBF43926u);
    }

    [Fact]
    public void Walk_RiffusionFixture_FindsChunksWithValidCrc()
    {
        byte[] png = File.ReadAllBytes(Fixtures.Path(Fixtures.MonoPng));

        List<PngChunk> chunks = PngChunks.Walk(png);

        chunks.Select(c => c.Type).Should().Equal("IHDR", "eXIf", "IDAT", "IDAT", "IDAT", "IDAT", "IDAT", "IEND");
        chunks.Should().OnlyContain(c => c.CrcValid);
        chunks[1].Length.Should().Be(150);
    }

    [Fact]
    public void InsertAfterHeader_Chunk_IsPlacedSecondWithValidCrc()
    {
        byte[] png = File.ReadAllBytes(Fixtures.Path("seed_images/agile.png"));

        byte[] result = PngChunks.InsertAfterHeader(png, "eXIf", [1, 2, 3]);

        List<PngChunk> chunks = PngChunks.Walk(result);
        chunks[0].Type.Should().Be("IHDR");
        chunks[1].Should().Be(new PngChunk("eXIf", 33, 3, true));
        result.Length.Should().Be(png.Length + 15);
    }

    [Fact]
    public void FindExif_PngWithout_ReturnsNull()
    {
        using FileStream stream = File.OpenRead(Fixtures.Path("seed_images/og_beat.png"));

        PngChunks.FindExif(stream).Should().BeNull();
    }
}
