using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Blocks;
using TemporaryDirectory = SpectroFlow.TestKit.TemporaryDirectory;

namespace SpectroFlow.Imaging.Tests.Blocks;

/// <summary><c>decode-image</c>'s parameter overrides, applied to the EXIF's or the preset's parameters as <c>image-to-audio</c> applies its options.</summary>
public sealed class DecodeImageOverridesTests
{
    private static readonly SourceFile s_mono = new(Fixtures.Path(Fixtures.MonoPng), "riffusion/" + Fixtures.MonoPng);

    private static BlockContext Context(object payload) =>
        new(new RunContext(42, "/tmp", new SharedResources()), "step", WorkItem.Create("images/a.png", 0, payload, 42));

    [Fact]
    public async Task DecodeImage_Overrides_ApplyToTheExifParameters()
    {
        SpectrogramImage plain = await new DecodeImageBlock(new DecodeImageOptions()).ProcessAsync(s_mono, Context(s_mono), CancellationToken.None);

        SpectrogramImage image = await new DecodeImageBlock(new DecodeImageOptions { MaxHz = 9000, Power = 0.5 }).ProcessAsync(s_mono, Context(s_mono), CancellationToken.None);

        image.Parameters.Should().Be(plain.Parameters with { MaxFrequency = 9000, PowerForImage = 0.5 });
        image.Rgb.Should().Equal(plain.Rgb);
    }

    [Fact]
    public async Task DecodeImage_NoExif_UsesThePresetWithTheOverrides()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("plain.png");
        SpectrogramImage exif = SpectrogramPng.Read(s_mono.FullPath);
        SpectrogramPng.Write(path, SpectrogramImageMapper.ToImage(SpectrogramImageMapper.ToMel(exif.WithParameters(SpectrogramParams.Chavinlo))));
        var file = new SourceFile(path, "plain.png");

        SpectrogramImage image = await new DecodeImageBlock(new DecodeImageOptions { Preset = ImagePreset.Chavinlo, MinHz = 20 }).ProcessAsync(file, Context(file), CancellationToken.None);

        image.Parameters.Should().Be(SpectrogramParams.Chavinlo with { MinFrequency = 20 });
    }

    [Fact]
    public async Task DecodeImage_OverrideTheImagesParametersDoNotFit_FailsTheItemInOneLine()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("low.png");
        SpectrogramImage exif = SpectrogramPng.Read(s_mono.FullPath);
        SpectrogramPng.Write(path, exif.WithParameters(exif.Parameters with { SampleRate = 22050 }));
        var file = new SourceFile(path, "low.png");
        var options = new DecodeImageOptions { MaxHz = 15000 };
        var errors = new ValidationErrors();
        options.Validate(errors);

        Func<Task> act = async () => await new DecodeImageBlock(options).ProcessAsync(file, Context(file), CancellationToken.None);

        errors.IsEmpty.Should().BeTrue("the preset's 44100 Hz fits 15000 Hz");
        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().StartWith("invalid spectrogram parameters: ").And.NotContain("\n");
    }

    [Fact]
    public void Validate_StereoWithTheChavinloPreset_IsReported()
    {
        var errors = new ValidationErrors();

        new DecodeImageOptions { Preset = ImagePreset.Chavinlo, Stereo = true }.Validate(errors);

        errors.Errors.Should().ContainSingle().Which.Message.Should().Contain("stereo");
    }
}
