using System.Buffers.Binary;
using SpectroFlow.Core.Errors;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging.Tests.Png;

public sealed class PngDecoderTests
{
    public static TheoryData<string> FixtureNames()
    {
        var names = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Fixtures.PngPath(""), "*.png").Order(StringComparer.Ordinal))
        {
            names.Add(Path.GetFileNameWithoutExtension(path));
        }

        return names;
    }

    [Fact]
    public void Fixtures_CoverEveryColourTypeDepthAndInterlace()
    {
        FixtureNames().Should().HaveCount(30, "15 colour type x bit depth combinations, each plain and Adam7");
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Decode_Fixture_GivesThePixelsPilGives(string name)
    {
        byte[] expected = File.ReadAllBytes(Fixtures.PngPath(name + ".rgb"));

        LoadedImage image = Decode(File.ReadAllBytes(Fixtures.PngPath(name + ".png")));

        image.Width.Should().Be(13);
        image.Height.Should().Be(11);
        image.Rgb.Should().Equal(expected);
        image.Exif.Should().BeNull();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    public void FilterThenUnfilter_EveryFilter_RestoresTheRow(int distance)
    {
        var random = new Random(distance);
        byte[] row = new byte[distance * 37];
        byte[] previous = new byte[row.Length];
        random.NextBytes(row);
        random.NextBytes(previous);
        for (byte filter = 0; filter <= 4; filter++)
        {
            byte[] filtered = new byte[row.Length];
            PngFilters.Filter(filter, row, previous, distance, filtered);

            PngFilters.Unfilter(filter, filtered, previous, distance).Should().BeTrue();

            filtered.Should().Equal(row, $"filter {filter} at distance {distance}");
        }
    }

    [Fact]
    public void Decode_BadCrcOnHeader_IsAnError()
    {
        byte[] png = Gray8(4, 3);
        png[8 + 8 + 2]++; // width byte inside IHDR

        Fails(png).Should().Contain("the IHDR chunk has a bad CRC");
    }

    [Fact]
    public void Decode_BadCrcOnImageData_IsAnError()
    {
        byte[] png = Gray8(4, 3);
        PngChunk idat = PngChunks.Walk(png).Single(c => c.Type == "IDAT");
        png[idat.Offset + 8 + idat.Length]++; // first CRC byte

        Fails(png).Should().Contain("an IDAT chunk has a bad CRC");
    }

    [Fact]
    public void Decode_BadCrcOnAncillaryChunks_SkipsThem()
    {
        byte[] plain = Gray8(4, 3);
        byte[] exif = PngChunks.Build("eXIf", [1, 2, 3, 4]);
        byte[] text = PngChunks.Build("tEXt", "a\0b"u8);
        exif[^1]++;
        text[^1]++;
        byte[] png = TestPng.Concat(plain.AsSpan(0, 33).ToArray(), exif, text, plain.AsSpan(33).ToArray());

        LoadedImage image = Decode(png);

        image.Exif.Should().BeNull("an eXIf chunk with a bad CRC is ignored");
        image.Rgb.Should().Equal(Decode(plain).Rgb);
    }

    [Fact]
    public void Decode_ValidExif_IsReturned()
    {
        byte[] png = PngChunks.InsertAfterHeader(Gray8(4, 3), "eXIf", [9, 8, 7]);

        Decode(png).Exif.Should().Equal(9, 8, 7);
    }

    [Fact]
    public void Decode_CutInsideImageData_IsTruncated()
    {
        byte[] png = Gray8(64, 64, random: true);
        PngChunk idat = PngChunks.Walk(png).Single(c => c.Type == "IDAT");

        Fails(png.AsSpan(0, idat.Offset + 8 + idat.Length / 2).ToArray()).Should().Contain("corrupt or truncated");
    }

    [Fact]
    public void Decode_ImageDataShortOfTheHeaderSize_SaysHowMuchIsMissing()
    {
        byte[] rows = TestPng.Scanlines(4, 3, 1, 8, new int[12]);
        byte[] png = TestPng.Assemble(TestPng.Header(4, 3, 8, PngColorType.Gray), TestPng.Deflate(rows.AsSpan(0, 10)));

        Fails(png).Should().Contain("the image data is corrupt or truncated (it holds 10 of the 15 bytes the header requires)");
    }

    [Fact]
    public void Decode_ZlibBomb_StopsAtTheHeaderSizeWithoutAllocatingTheRest()
    {
        // IHDR says 4x4 RGB (52 bytes of scanlines) but the data inflates to 64 MiB of zeros.
        byte[] idat = TestPng.Deflate(new byte[64 << 20]);
        byte[] png = TestPng.Assemble(TestPng.Header(4, 4, 8, PngColorType.Rgb), idat);
        Decode(png); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        LoadedImage image = Decode(png);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        image.Rgb.Should().HaveCount(48).And.OnlyContain(b => b == 0);
        allocated.Should().BeLessThan(4 * (idat.Length + (1 << 16)), "only the compressed data and small buffers are allocated");
    }

    [Fact]
    public void Decode_TinyDataClaimingAHugeImage_IsRefusedBeforeAllocating()
    {
        byte[] png = TestPng.Assemble(TestPng.Header(20_000, 20_000, 8, PngColorType.Rgb), TestPng.Deflate(new byte[100]));
        Fails(png);

        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = Fails(png);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        message.Should().Contain("compressed bytes cannot hold the 1200020000 bytes the header requires");
        allocated.Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Decode_HugeDimensions_AreRefusedBeforeTheDataIsRead()
    {
        byte[] png = TestPng.Assemble(TestPng.Header(100_000, 100_000, 8, PngColorType.Rgb), [0xDE, 0xAD]);

        Fails(png).Should().Contain("the image is 100000x100000 px (10000000000 pixels), above the limit");
    }

    [Fact]
    public void Decode_UnknownFilterType_IsAnError()
    {
        byte[] rows = TestPng.Scanlines(4, 3, 1, 8, new int[12]);
        rows[5] = 7; // filter byte of row 1
        byte[] png = TestPng.Assemble(TestPng.Header(4, 3, 8, PngColorType.Gray), TestPng.Deflate(rows));

        Fails(png).Should().Contain("unknown filter type 7");
    }

    [Fact]
    public void Decode_PaletteIndexPastThePalette_IsAnError()
    {
        byte[] png = TestPng.Build(3, 1, PngColorType.Palette, 8, [0, 1, 5], palette: [1, 2, 3, 4, 5, 6]);

        Fails(png).Should().Contain("palette index 5 is past the 2 PLTE entries");
    }

    [Fact]
    public void Decode_PaletteImageWithoutPlte_IsAnError()
    {
        byte[] png = TestPng.Build(3, 1, PngColorType.Palette, 8, [0, 0, 0]);

        Fails(png).Should().Contain("no PLTE chunk");
    }

    [Theory]
    [InlineData(2, 4, 0, 0, 0, "invalid colour type 2 with bit depth 4")]
    [InlineData(1, 8, 0, 0, 0, "invalid colour type 1 with bit depth 8")]
    [InlineData(3, 16, 0, 0, 0, "invalid colour type 3 with bit depth 16")]
    [InlineData(6, 1, 0, 0, 0, "invalid colour type 6 with bit depth 1")]
    [InlineData(2, 8, 1, 0, 0, "unknown compression (1), filter (0) or interlace (0) method")]
    [InlineData(2, 8, 0, 1, 0, "unknown compression (0), filter (1) or interlace (0) method")]
    [InlineData(2, 8, 0, 0, 2, "unknown compression (0), filter (0) or interlace (2) method")]
    public void Decode_InvalidHeader_IsAnError(int colorType, int bitDepth, int compression, int filter, int interlace, string problem)
    {
        byte[] ihdr = TestPng.Header(4, 3, bitDepth, (PngColorType)colorType);
        ihdr[10] = (byte)compression;
        ihdr[11] = (byte)filter;
        ihdr[12] = (byte)interlace;

        Fails(TestPng.Assemble(ihdr, TestPng.Deflate(new byte[64]))).Should().Contain(problem);
    }

    [Theory]
    [InlineData(0u, 3u)]
    [InlineData(4u, 0u)]
    [InlineData(0x80000000u, 3u)]
    public void Decode_InvalidSize_IsAnError(uint width, uint height)
    {
        byte[] ihdr = TestPng.Header(1, 1, 8, PngColorType.Gray);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);

        Fails(TestPng.Assemble(ihdr, TestPng.Deflate(new byte[8]))).Should().Contain($"invalid size {width}x{height}");
    }

    [Fact]
    public void Decode_UnknownCriticalChunk_IsAnErrorButUnknownAncillaryIsSkipped()
    {
        byte[] plain = Gray8(4, 3);
        byte[] critical = TestPng.Concat(plain.AsSpan(0, 33).ToArray(), PngChunks.Build("ABCD", [1]), plain.AsSpan(33).ToArray());
        byte[] ancillary = TestPng.Concat(plain.AsSpan(0, 33).ToArray(), PngChunks.Build("abCD", [1]), plain.AsSpan(33).ToArray());

        Fails(critical).Should().Contain("unknown critical chunk ABCD");
        Decode(ancillary).Rgb.Should().Equal(Decode(plain).Rgb);
    }

    [Fact]
    public void Decode_NonConsecutiveImageData_IsAnError()
    {
        byte[] rows = TestPng.Deflate(TestPng.Scanlines(4, 3, 1, 8, new int[12]));
        byte[] png = TestPng.Concat(
            PngChunks.Signature.ToArray(),
            PngChunks.Build("IHDR", TestPng.Header(4, 3, 8, PngColorType.Gray)),
            PngChunks.Build("IDAT", rows.AsSpan(0, 5)),
            PngChunks.Build("tEXt", "a\0b"u8),
            PngChunks.Build("IDAT", rows.AsSpan(5)),
            PngChunks.Build("IEND", []));

        Fails(png).Should().Contain("the IDAT chunks are not consecutive");
    }

    [Fact]
    public void Decode_MissingIendWithCompleteData_IsAccepted()
    {
        byte[] png = Gray8(5, 2, random: true);

        Decode(png.AsSpan(0, png.Length - 12).ToArray()).Rgb.Should().Equal(Decode(png).Rgb);
    }

    [Fact]
    public void Decode_ExtraDataAfterTheLastRow_IsIgnored()
    {
        byte[] rows = TestPng.Scanlines(2, 2, 1, 8, [10, 20, 30, 40]);
        byte[] png = TestPng.Assemble(TestPng.Header(2, 2, 8, PngColorType.Gray), TestPng.Deflate([.. rows, 0, 99, 99]));

        Decode(png).Rgb.Should().Equal(10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40);
    }

    [Fact]
    public void Decode_SignatureMangledByTextTransfer_SaysSo()
    {
        byte[] png = Gray8(2, 2);
        byte[] mangled = [.. png.AsSpan(0, 4), (byte)'\n', .. png.AsSpan(6)];

        Fails(mangled).Should().Contain("the PNG signature is damaged");
    }

    [Theory]
    [InlineData(new byte[] { (byte)'G', (byte)'I', (byte)'F', (byte)'8', (byte)'9', (byte)'a', 1, 0 }, "GIF images are not supported; convert to PNG (e.g. ffmpeg -i in.gif out.png)")]
    [InlineData(new byte[] { (byte)'I', (byte)'I', (byte)'*', 0, 8, 0, 0, 0 }, "TIFF images are not supported; convert to PNG (e.g. ffmpeg -i in.tif out.png)")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "not an image in a supported format (PNG, JPEG, BMP and WebP are supported)")]
    public void Load_OtherFormats_AreRefusedByName(byte[] head, string problem)
    {
        Action act = () => ImageLoader.Load(new MemoryStream([.. head, .. new byte[32]]), "in", ImageLimits.Default);

        act.Should().ThrowExactly<InvalidImageException>().Which.Message.Should().Be("in: " + problem);
    }

    private static byte[] Gray8(int width, int height, bool random = false)
    {
        int[] samples = new int[width * height];
        var generator = new Random(width * 31 + height);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = random ? generator.Next(256) : i % 256;
        }

        return TestPng.Build(width, height, PngColorType.Gray, 8, samples);
    }

    private static LoadedImage Decode(byte[] png) => PngDecoder.Decode(new MemoryStream(png), "test.png", ImageLimits.Default);

    private static string Fails(byte[] png)
    {
        Action act = () => Decode(png);
        string message = act.Should().ThrowExactly<InvalidImageException>().Which.Message;
        message.Should().StartWith("test.png: ").And.NotContainAny("\n", "\r");
        return message;
    }
}
