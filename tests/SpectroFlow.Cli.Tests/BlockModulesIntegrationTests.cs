using SpectroFlow.Audio.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;
using SpectroFlow.Imaging.Blocks;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Audio and Imaging modules registered into the engine's registry, running real recipes on real files.</summary>
public sealed class BlockModulesIntegrationTests
{
    private const string Recipe = """
        seed: 7
        inputs:
          - id: songs
            folder: songs
            glob: ["*.wav"]
          - id: images
            folder: images
            glob: ["*.png"]
        steps:
          - id: decode
            use: decode
            from: songs
          - id: slice
            use: slice
          - id: mel
            use: mel
          - id: encode
            use: encode-image
          - id: write-png
            use: write-image
            folder: png
          - id: read-png
            use: decode-image
            from: images
          - id: to-mel
            use: image-to-mel
          - id: invert
            use: invert
            iterations: 2
          - id: write-wav
            use: write-audio
            folder: wav
            name: "{source_stem}_inverted"
        outputs:
          root: out
          keep: [write-png, write-wav]
        """;

    private static BlockRegistry CreateRegistry()
    {
        var registry = new BlockRegistry().AddEngineBlocks();
        AudioModule.Register(registry);
        ImagingModule.Register(registry);
        return registry;
    }

    private static string Prepare(TemporaryDirectory directory, bool withBadFile)
    {
        Directory.CreateDirectory(Path.Combine(directory.Path, "songs"));
        Directory.CreateDirectory(Path.Combine(directory.Path, "images"));
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(directory.Path, "songs", "clip.wav"));
        File.Copy(Fixtures.RiffusionMonoPng, Path.Combine(directory.Path, "images", "mono.png"));
        if (withBadFile)
        {
            File.WriteAllText(Path.Combine(directory.Path, "songs", "broken.wav"), "this is not a wav file");
        }

        return directory.Path;
    }

    [Fact]
    public async Task Recipe_AudioToImagesAndImagesToAudio_WritesEveryFile()
    {
        using var directory = new TemporaryDirectory();
        RunPlan plan = new RecipeLoader(CreateRegistry()).LoadText(Recipe, "r.yaml", Prepare(directory, withBadFile: false));

        RunReport report = await new RecipeRunner().RunAsync(plan).WaitAsync(TimeSpan.FromMinutes(2));

        report.Errors.Should().BeEmpty();
        report.Succeeded.Should().BeTrue();
        string root = Path.Combine(directory.Path, "out");
        File.Exists(Path.Combine(root, "png", "clip.wav_00000.png")).Should().BeTrue("the default name is the file name with its extension, plus the clip index");
        File.Exists(Path.Combine(root, "png", "clip.wav_00001.png")).Should().BeTrue();
        File.Exists(Path.Combine(root, "wav", "mono_inverted.wav")).Should().BeTrue();
        report.Outputs["write-png"].Select(i => ((WrittenFile)i.Payload).RelativePath).Should().BeEquivalentTo(["png/clip.wav_00000.png", "png/clip.wav_00001.png"]);
        report.Outputs["write-wav"].Should().ContainSingle().Which.Payload.Should().BeOfType<WrittenFile>().Which.Sha256.Should().HaveLength(64);
    }

    [Fact]
    public async Task Recipe_BadInputFile_GivesExactlyOneErrorRecordAndOthersSucceed()
    {
        using var directory = new TemporaryDirectory();
        RunPlan plan = new RecipeLoader(CreateRegistry()).LoadText(Recipe, "r.yaml", Prepare(directory, withBadFile: true));

        RunReport report = await new RecipeRunner().RunAsync(plan).WaitAsync(TimeSpan.FromMinutes(2));

        ErrorRecord error = report.Errors.Should().ContainSingle().Subject;
        error.Step.Should().Be("decode");
        error.Key.Should().Be("songs/broken.wav", "with several inputs, keys start with the input id");
        error.Reason.Should().Contain("broken.wav").And.NotContain("\n");
        report.Steps["decode"].Succeeded.Should().Be(1);
        report.Steps["write-png"].Succeeded.Should().Be(2);
        report.Steps["write-wav"].Succeeded.Should().Be(1);
    }

    [Theory]
    [InlineData("{input}_{stem}")]
    [InlineData("{stem}")]
    public async Task Recipe_TwoInputsWithTheSameFileName_NeverOverwriteEachOther(string name)
    {
        using var directory = new TemporaryDirectory();
        foreach (string input in new[] { "songs", "more" })
        {
            Directory.CreateDirectory(Path.Combine(directory.Path, input));
            File.Copy(Fixtures.RiffusionClipWav, Path.Combine(directory.Path, input, "clip.wav"));
        }

        string recipe = $"""
            seed: 3
            inputs:
              - id: songs
                folder: songs
              - id: more
                folder: more
            steps:
              - id: decode
                use: decode
                from: [songs, more]
              - id: mel
                use: mel
              - id: encode
                use: encode-image
              - id: write
                use: write-image
                name: "{name}"
            outputs:
              root: out
              keep: [write]
            """;

        RunReport report = await new RecipeRunner().RunAsync(new RecipeLoader(CreateRegistry()).LoadText(recipe, "r.yaml", directory.Path)).WaitAsync(TimeSpan.FromMinutes(2));

        string[] files = [.. Directory.GetFiles(Path.Combine(directory.Path, "out"), "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        if (name == "{stem}")
        {
            ErrorRecord error = report.Errors.Should().ContainSingle().Subject;
            error.Step.Should().Be("write");
            error.Key.Should().BeOneOf("songs/clip.wav", "more/clip.wav");
            error.Reason.Should().MatchRegex(@"^output 'clip\.png' was already written for item '(songs|more)/clip\.wav'").And.NotContain("\n");
            error.Reason.Should().NotContain($"for item '{error.Key}'");
            files.Should().Equal("clip.png");
        }
        else
        {
            report.Errors.Should().BeEmpty();
            files.Should().Equal("more_clip.png", "songs_clip.png");
            report.Outputs["write"].Select(i => i.Key).Should().Equal("more/clip.wav", "songs/clip.wav");
        }
    }

    [Fact]
    public void Recipe_BadBlockOptions_AreAllReportedWithTheirKeys()
    {
        const string recipe = """
            inputs:
              - id: songs
                folder: songs
            steps:
              - id: decode
                use: decode
              - id: slice
                use: slice
                clip_ms: 0
                last: keep
              - id: mel
                use: mel
                n_mels: 4
                max_hz: 30000
              - id: write
                use: write-audio
                name: "{stem"
                bitrate: 100
            """;

        Action act = () => new RecipeLoader(CreateRegistry()).LoadText(recipe, "r.yaml", Path.GetTempPath());

        RecipeException exception = act.Should().Throw<RecipeException>().Which;
        exception.Errors.Should().HaveCountGreaterThanOrEqualTo(6);
        string text = exception.Message;
        foreach (string expected in new[] { "clip_ms", "last", "n_mels", "max_hz", "name", "bitrate" })
        {
            exception.Errors.Should().Contain(e => e.Key == expected || e.Message.Contains(expected, StringComparison.Ordinal), expected + " should be reported; got: " + text);
        }
    }

    [Theory]
    [InlineData("n_mels: 4", "n_mels", "number of frequencies 4 is outside 8..4096")]
    [InlineData("power: 9", "power", "power for image 9 is outside (0, 4]")]
    [InlineData("step_ms: 200", "step_ms", "window duration 100 ms must be at least the step size 200 ms (or frames would not overlap)")]
    [InlineData("window_ms: 5", "window_ms", "window duration 5 ms must be at least the step size 10 ms (or frames would not overlap)")]
    [InlineData("window_ms: 500", "window_ms", "padded duration 400 ms must be at least the window duration 500 ms")]
    [InlineData("padded_ms: 50", "padded_ms", "padded duration 50 ms must be at least the window duration 100 ms")]
    [InlineData("max_hz: 0", "max_hz", "frequency range 0..0 Hz is empty or negative")]
    [InlineData("sample_rate: 8000", "sample_rate", "max frequency 10000 Hz is above the Nyquist frequency 4000 Hz")]
    [InlineData("max_hz: 30000", "max_hz", "max frequency 30000 Hz is above the Nyquist frequency 22050 Hz")]
    public void Recipe_BadMelOption_IsReportedAtThatOptionsLineAndColumnWithItsKey(string option, string key, string message)
    {
        string recipe = $"inputs:\n  - id: songs\n    folder: .\nsteps:\n  - id: decode\n    use: decode\n  - id: mel\n    use: mel\n    preset: riffusion\n    {option}\n";

        Action act = () => new RecipeLoader(CreateRegistry()).LoadText(recipe, "r.yaml", Path.GetTempPath());

        Core.Blocks.ValidationError error = act.Should().Throw<RecipeException>().Which.Errors.Should().ContainSingle().Subject;
        error.ToString().Should().Be($"r.yaml:10:5: option '{key}' of step 'mel' {message}");
        error.Key.Should().Be(key);
    }

    [Fact]
    public async Task Recipe_ResampleAndRgb_RunAndSchemaCoversEveryBlock()
    {
        using var directory = new TemporaryDirectory();
        Prepare(directory, withBadFile: false);
        const string recipe = """
            inputs:
              - id: songs
                folder: songs
              - id: images
                folder: images
            steps:
              - id: decode
                use: decode
                from: songs
              - id: resample
                use: resample
                sample_rate: 22050
                channels: mono
              - id: mel
                use: mel
                preset: chavinlo
                sample_rate: 22050
                max_hz: 8000
                n_mels: 256
              - id: rgb
                use: rgb
                from: images
                folder: rgb
                name: "{source_dir}{stem}_rgb"
            outputs:
              root: out
              keep: [mel, rgb]
            """;
        BlockRegistry registry = CreateRegistry();

        RunReport report = await new RecipeRunner().RunAsync(new RecipeLoader(registry).LoadText(recipe, "r.yaml", directory.Path)).WaitAsync(TimeSpan.FromMinutes(2));

        report.Errors.Should().BeEmpty();
        ((MelSpectrogram)report.Outputs["mel"].Single().Payload).MelBins.Should().Be(256);
        ((WrittenFile)report.Outputs["rgb"].Single().Payload).RelativePath.Should().Be("rgb/mono_rgb.png");
        string schema = RecipeSchema.Generate(registry);
        foreach (string name in new[] { "decode", "resample", "slice", "mel", "invert", "write-audio", "encode-image", "decode-image", "image-to-mel", "rgb", "write-image", "n_mels", "clip_ms" })
        {
            schema.Should().Contain(name);
        }
    }
}
