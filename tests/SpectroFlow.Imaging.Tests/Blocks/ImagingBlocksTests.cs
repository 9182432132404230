using System.Security.Cryptography;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging.Blocks;
using TemporaryDirectory = SpectroFlow.TestKit.TemporaryDirectory;

namespace SpectroFlow.Imaging.Tests.Blocks;

public sealed class ImagingBlocksTests
{
    private static readonly SourceFile s_mono = new(Fixtures.Path(Fixtures.MonoPng), "riffusion/" + Fixtures.MonoPng);

    private static BlockContext Context(object payload, string key = "images/a.png", string outputRoot = "/tmp", IEnumerable<KeyValuePair<string, object>>? metadata = null) =>
        new(new RunContext(42, outputRoot, new SharedResources()), "step", WorkItem.Create(key, 0, payload, 42, metadata));

    [Fact]
    public async Task DecodeImage_RiffusionPng_ReadsImageAndMetadata()
    {
        BlockContext context = Context(s_mono, s_mono.RelativePath);
        SpectrogramImage image = await new DecodeImageBlock(new DecodeImageOptions()).ProcessAsync(s_mono, context, CancellationToken.None);

        image.Width.Should().Be(568);
        image.Height.Should().Be(512);
        context.OutputMetadata[WorkItem.Keys.SourcePath].Should().Be(s_mono.FullPath);
        context.OutputMetadata["width"].Should().Be(568L);
    }

    [Fact]
    public async Task DecodeImage_ChavinloPreset_UsedWithoutExif()
    {
        using var directory = new TemporaryDirectory();
        SpectrogramImage original = SpectrogramPng.Read(s_mono.FullPath);
        var chavinloImage = new SpectrogramImage(original.Width, original.Height, original.Rgb, Core.Spectrograms.SpectrogramParams.Chavinlo);
        string path = Path.Combine(directory.Path, "gray.png");
        SpectrogramPng.Write(path, chavinloImage);
        var file = new SourceFile(path, "gray.png");

        SpectrogramImage image = await new DecodeImageBlock(new DecodeImageOptions { Preset = ImagePreset.Chavinlo })
            .ProcessAsync(file, Context(file, "gray.png"), CancellationToken.None);

        image.Parameters.Scale.Should().Be(Core.Spectrograms.IntensityScale.AbsoluteMaxVolume);
    }

    [Fact]
    public async Task DecodeImage_NotAPng_ThrowsNamingTheItem()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "broken.png");
        await File.WriteAllTextAsync(path, "nope");
        var file = new SourceFile(path, "broken.png");

        Func<Task> act = async () => await new DecodeImageBlock(new DecodeImageOptions()).ProcessAsync(file, Context(file, "broken.png"), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Contain("broken.png").And.NotContain("\n");
    }

    [Fact]
    public async Task ImageToMel_ThenEncodeImage_RoundTripsSizes()
    {
        SpectrogramImage image = SpectrogramPng.Read(s_mono.FullPath);
        MelSpectrogram mel = await new ImageToMelBlock().ProcessAsync(image, Context(image), CancellationToken.None);
        mel.MelBins.Should().Be(512);
        mel.Frames.Should().Be(568);

        SpectrogramImage again = await new EncodeImageBlock().ProcessAsync(mel, Context(mel), CancellationToken.None);
        again.Width.Should().Be(568);
        again.Height.Should().Be(512);
    }

    [Fact]
    public async Task WriteImage_WritesPngNamedFromTemplateWithHash()
    {
        using var directory = new TemporaryDirectory();
        SpectrogramImage image = SpectrogramPng.Read(s_mono.FullPath);
        BlockContext context = Context(image, "music/song.wav#2", directory.Path,
            [new(WorkItem.Keys.SourcePath, "/in/music/song.wav"), new(WorkItem.Keys.ClipIndex, 2L)]);

        WrittenFile file = await new WriteImageBlock(new WriteImageOptions { Folder = new OutputPath("images"), Name = "{stem}" })
            .ProcessAsync(image, context, CancellationToken.None);

        file.RelativePath.Should().Be("images/song_00002.png");
        byte[] bytes = await File.ReadAllBytesAsync(file.FullPath);
        file.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        file.Length.Should().Be(bytes.Length);
        SpectrogramPng.Read(file.FullPath).Rgb.Should().Equal(image.Rgb);
        Directory.GetFiles(directory.Path, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task WriteImage_ExistingFile_IsReplacedWhole()
    {
        using var directory = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory.Path, "a.png"), "old");
        SpectrogramImage image = SpectrogramPng.Read(s_mono.FullPath);

        WrittenFile file = await new WriteImageBlock(new WriteImageOptions { Name = "{stem}" }).ProcessAsync(image, Context(image, "a.png", directory.Path), CancellationToken.None);

        file.RelativePath.Should().Be("a.png");
        SpectrogramPng.Read(file.FullPath).Width.Should().Be(568);
    }

    [Fact]
    public async Task Rgb_GrayPng_WritesRgbPngWithHash()
    {
        using var directory = new TemporaryDirectory();
        var file = new SourceFile(Fixtures.PngPath("gray16.png"), "png/gray16.png");

        WrittenFile written = await new RgbBlock(new RgbOptions { Folder = new OutputPath("rgb"), Name = "{stem}" })
            .ProcessAsync(file, Context(file, file.RelativePath, directory.Path), CancellationToken.None);

        written.RelativePath.Should().Be("rgb/gray16.png");
        byte[] bytes = await File.ReadAllBytesAsync(written.FullPath);
        written.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        bytes[25].Should().Be(2, "colour type 2 = RGB in IHDR");
    }

    [Fact]
    public void WriterOptions_BadTemplate_ReportedWithKey()
    {
        var errors = new ValidationErrors();
        new WriteImageOptions { Name = "x}" }.Validate(errors);
        new RgbOptions { Name = "" }.Validate(errors);
        errors.Errors.Select(e => e.Key).Should().Equal("name", "name");
    }
}
