using System.Buffers.Binary;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Png;
using SpectroFlow.Imaging.Tests.Png;

namespace SpectroFlow.Imaging.Tests;

public sealed class SpectrogramPngBadInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public static TheoryData<string, string> BadFiles => new()
    {
        { "missing", "cannot open the file" },
        { "empty", "the file is empty" },
        { "truncated-header", "corrupt or truncated" },
        { "truncated-data", "corrupt or truncated" },
        { "random", "not an image in a supported format" },
        { "wav", "not an image in a supported format" },
        { "jpeg", "the JPEG image is corrupt or truncated and cannot be decoded" },
        { "one-pixel", "image is 1 px high but the spectrogram params expect 512 mel bins" },
        { "one-column", "image is 1 px wide but a spectrogram needs at least 2 columns" },
        { "huge", "the image is 100000x100000 px (10000000000 pixels), above the limit" },
        { "too-wide", "the image is 2000000x512 px" },
        { "bad-idat", "corrupt or truncated" },
        { "exif-height", "image is 512 px high but the spectrogram params expect 256 mel bins" },
        { "no-idat", "corrupt or truncated" },
        { "cut-at-chunk", "corrupt or truncated" },
    };

    public void Dispose() => _temp.Dispose();

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Read_BadFile_ThrowsOneLineInvalidImageException(string kind, string problem)
    {
        string path = Make(kind);

        Action act = () => SpectrogramPng.Read(path);

        InvalidImageException e = act.Should().ThrowExactly<InvalidImageException>().Which;
        e.Message.Should().StartWith(path + ": ");
        e.Message.Should().Contain(problem);
        e.Message.Should().NotContainAny("\n", "\r");
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ToRgb_BadFile_ThrowsAndWritesNothing(string kind, string problem)
    {
        string path = Make(kind);
        string output = _temp.File("out-" + kind + ".png");

        Action act = () => ImageConversions.ToRgb(path, output);

        if (kind is "one-pixel" or "one-column" or "exif-height")
        {
            act.Should().NotThrow("img2rgb makes no spectrogram checks");
            File.Exists(output).Should().BeTrue();
            return;
        }

        act.Should().ThrowExactly<InvalidImageException>().Which.Message.Should().Contain(problem);
        File.Exists(output).Should().BeFalse();
        Directory.GetFiles(_temp.Root, "*" + Core.IO.AtomicFile.TemporarySuffix).Should().BeEmpty();
    }

    [Fact]
    public void Read_CustomPixelLimit_RefusesBeforeDecoding()
    {
        string path = Fixtures.Path(Fixtures.MonoPng);

        Action act = () => SpectrogramPng.Read(path, limits: new ImageLimits { MaxPixels = 100_000 });

        act.Should().ThrowExactly<InvalidImageException>().WithMessage("*568x512 px (290816 pixels), above the limit*100000 pixels");
    }

    [Fact]
    public void Read_ExifWithBadIfdOffset_IgnoresExifAndUsesFallback()
    {
        byte[] exif = StereoExif();
        BinaryPrimitives.WriteUInt32BigEndian(exif.AsSpan(4), 0x7FFFFFF0);

        SpectrogramImage image = ReadWithExif(exif);

        image.Parameters.Should().Be(SpectrogramParams.Riffusion, "the stereo EXIF was unreadable, so the mono defaults apply");
        image.MaxValue.Should().BeNull();
    }

    [Fact]
    public void Read_ExifWithDoubleOffsetOutside_IgnoresExifParams()
    {
        byte[] exif = StereoExif();
        // entry 8 (POWER_FOR_IMAGE): value offset at 10 + 8 * 12 + 8.
        BinaryPrimitives.WriteUInt32BigEndian(exif.AsSpan(10 + 8 * 12 + 8), 5000);

        SpectrogramImage image = ReadWithExif(exif);

        image.Parameters.Should().Be(SpectrogramParams.Riffusion);
        image.MaxValue.Should().BeNull();
    }

    [Fact]
    public void Read_ExifChunkWithBadCrc_IsIgnored()
    {
        byte[] png = WithExif(File.ReadAllBytes(Fixtures.Path(Fixtures.StereoPng)), StereoExif());
        PngChunk chunk = PngChunks.Walk(png).Single(c => c.Type == "eXIf");
        png[chunk.Offset + 8 + 20]++; // inside the payload, CRC left unchanged

        SpectrogramImage image = SpectrogramPng.Read(new MemoryStream(png), "bad-crc.png");

        image.Parameters.Should().Be(SpectrogramParams.Riffusion);
    }

    [Fact]
    public void Read_ExifWithInvalidValues_UsesFallback()
    {
        byte[] exif = StereoExif();
        // NUM_FREQUENCIES (entry 5) = 0 fails SpectrogramParams.Validate.
        BinaryPrimitives.WriteUInt16BigEndian(exif.AsSpan(10 + 5 * 12 + 8), 0);

        SpectrogramImage image = ReadWithExif(exif);

        image.Parameters.Should().Be(SpectrogramParams.Riffusion);
    }

    private static byte[] StereoExif() => SpectrogramPngTests.ExifOf(File.ReadAllBytes(Fixtures.Path(Fixtures.StereoPng)));

    private static SpectrogramImage ReadWithExif(byte[] exif)
    {
        byte[] png = WithExif(File.ReadAllBytes(Fixtures.Path(Fixtures.StereoPng)), exif);
        return SpectrogramPng.Read(new MemoryStream(png), "exif.png");
    }

    private static byte[] WithExif(byte[] png, byte[] exif)
    {
        PngChunk old = PngChunks.Walk(png).Single(c => c.Type == "eXIf");
        byte[] without = [.. png.AsSpan(0, old.Offset), .. png.AsSpan(old.Offset + 12 + old.Length)];
        return PngChunks.InsertAfterHeader(without, "eXIf", exif);
    }

    private static byte[] HeaderOnlyPng(uint width, uint height, byte[] idat)
    {
        byte[] ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        return [.. PngChunks.Signature, .. PngChunks.Build("IHDR", ihdr), .. PngChunks.Build("IDAT", idat), .. PngChunks.Build("IEND", [])];
    }

    private string Make(string kind)
    {
        string path = _temp.File(kind + ".png");
        byte[] mono = File.ReadAllBytes(Fixtures.Path(Fixtures.MonoPng));
        switch (kind)
        {
            case "missing":
                return _temp.File("does-not-exist.png");
            case "empty":
                File.WriteAllBytes(path, []);
                break;
            case "truncated-header":
                File.WriteAllBytes(path, mono.AsSpan(0, 20).ToArray());
                break;
            case "truncated-data":
                File.WriteAllBytes(path, mono.AsSpan(0, mono.Length * 3 / 5).ToArray());
                break;
            case "random":
                byte[] noise = new byte[4096];
                new Random(42).NextBytes(noise);
                File.WriteAllBytes(path, noise);
                break;
            case "wav":
                File.Copy(Fixtures.Path(Fixtures.Wav), path);
                break;
            case "jpeg":
                byte[] jpeg = File.ReadAllBytes(Fixtures.PngPath("tiny.jpg"));
                File.WriteAllBytes(path, jpeg[..(jpeg.Length / 2)]);
                break;
            case "one-pixel":
                Save(1, 1, path);
                break;
            case "one-column":
                Save(1, 512, path);
                break;
            case "huge":
                File.WriteAllBytes(path, HeaderOnlyPng(100_000, 100_000, [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
                break;
            case "too-wide":
                File.WriteAllBytes(path, HeaderOnlyPng(2_000_000, 512, [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
                break;
            case "bad-idat":
                File.WriteAllBytes(path, HeaderOnlyPng(4, 512, [0x78, 0x9C, 0xFF, 0xFF, 0x12, 0x34, 0x56, 0x78, 0x9A]));
                break;
            case "exif-height":
                byte[] exif = StereoExif();
                BinaryPrimitives.WriteUInt16BigEndian(exif.AsSpan(10 + 5 * 12 + 8), 256);
                File.WriteAllBytes(path, WithExif(mono, exif));
                break;
            case "no-idat":
                PngChunk exifChunk = PngChunks.Walk(mono).Single(c => c.Type == "eXIf");
                File.WriteAllBytes(path, mono.AsSpan(0, exifChunk.Offset + 12 + exifChunk.Length).ToArray());
                break;
            case "cut-at-chunk":
                // Many small IDAT chunks; keep the first half of them (ends cleanly on a chunk boundary, no IEND).
                byte[] split = SplitIdat(mono, 4096);
                List<PngChunk> idats = PngChunks.Walk(split).Where(c => c.Type == "IDAT").ToList();
                PngChunk last = idats[idats.Count / 2];
                File.WriteAllBytes(path, split.AsSpan(0, last.Offset + 12 + last.Length).ToArray());
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return path;
    }

    // Re-chunks the image data into IDAT chunks of at most 'size' bytes (same compressed stream).
    private static byte[] SplitIdat(byte[] png, int size)
    {
        List<PngChunk> chunks = PngChunks.Walk(png);
        var data = new List<byte>();
        var output = new List<byte>(PngChunks.Signature.ToArray());
        foreach (PngChunk c in chunks.Where(c => c.Type == "IDAT"))
        {
            data.AddRange(png.AsSpan(c.Offset + 8, c.Length).ToArray());
        }

        foreach (PngChunk c in chunks)
        {
            if (c.Type == "IDAT")
            {
                if (data.Count > 0)
                {
                    byte[] all = [.. data];
                    for (int at = 0; at < all.Length; at += size)
                    {
                        output.AddRange(PngChunks.Build("IDAT", all.AsSpan(at, Math.Min(size, all.Length - at))));
                    }

                    data.Clear();
                }

                continue;
            }

            output.AddRange(png.AsSpan(c.Offset, 12 + c.Length).ToArray());
        }

        return [.. output];
    }

    private static void Save(int width, int height, string path)
    {
        int[] samples = Enumerable.Repeat(200, width * height * 3).ToArray();
        File.WriteAllBytes(path, TestPng.Build(width, height, PngColorType.Rgb, 8, samples));
    }
}
