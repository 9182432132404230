using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests.Diffusion;

/// <summary>The prompts input and the diffuse and interpolate blocks in recipes, on the tiny fixture model.</summary>
public sealed class DiffusionBlocksTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("sf-diffusion-blocks-").FullName;

    [Fact]
    public async Task Interpolate_MakesEveryFrameFromTheSeedImage_AndJoinMakesOneTrack()
    {
        string recipe = Write("interpolate.yaml", $$"""
            seed: 5
            inputs:
              - id: seed
                use: files
                paths: ["{{Path.Combine(TestFiles.RepositoryRoot, "datasets", "seed_images", "og_beat.png")}}"]
            steps:
              - id: decode
                use: decode-image
              - id: frames
                use: interpolate
                model: "{{TestFiles.Fixture("tiny-sd")}}"
                prompt_from: "lofi beat"
                prompt_to: "jazz"
                seed_to: 7
                frames: 3
                steps: 3
                device: cpu
              - id: png
                use: write-image
                folder: frames
                name: "frame_{interpolation_frame:00}"
              - id: mel
                use: image-to-mel
                from: frames
              - id: track
                use: join
                group: all
              - id: wav
                use: write-audio
                format: wav
                name: track
            outputs:
              root: "{{Path.Combine(_work, "out")}}"
            """);

        CliResult result = await CliRunner.RunAsync("run", recipe);

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        string frames = Path.Combine(_work, "out", "frames");
        Directory.GetFiles(frames).Select(Path.GetFileName).Should().BeEquivalentTo(["frame_01.png", "frame_02.png", "frame_03.png"]);
        SpectrogramImage first = SpectrogramPng.Read(Path.Combine(frames, "frame_01.png"));
        (first.Width, first.Height).Should().Be((512, 512));
        File.ReadAllBytes(Path.Combine(frames, "frame_01.png")).Should().NotEqual(File.ReadAllBytes(Path.Combine(frames, "frame_03.png")));
        AudioDecoder.Decode(Path.Combine(_work, "out", "track.wav")).Frames.Should().Be(3 * 511 * 441);
    }

    [Fact]
    public async Task Diffuse_PromptTemplateNamingMissingMetadata_FailsEachItemInOneLine_AndTheRunGoesOn()
    {
        string recipe = Write("missing.yaml", $$"""
            inputs:
              - id: prompts
                use: prompts
                prompts: ["a", "b"]
            steps:
              - id: image
                use: diffuse
                model: "{{TestFiles.Fixture("tiny-sd")}}"
                prompt: "{genre} music"
                steps: 2
                width: 64
                height: 64
                device: cpu
              - id: png
                use: write-image
                name: "{prompt_name}"
            outputs:
              root: "{{Path.Combine(_work, "out")}}"
            """);

        CliResult result = await CliRunner.RunAsync("run", recipe);

        result.ExitCode.Should().Be(1);
        result.Output.Split('\n').Where(l => l.Contains("uses '{genre}', which the item has no metadata", StringComparison.Ordinal))
            .Should().HaveCount(2, "one line per failed item, naming it");
        result.Output.Should().Contain("image: 0 done, 2 failed");
    }

    [Fact]
    public async Task Diffuse_TemplateFromMetadata_IsTheRecordedPrompt()
    {
        string recipe = Write("template.yaml", $$"""
            inputs:
              - id: prompts
                use: prompts
                prompts: ["lofi beat"]
            steps:
              - id: image
                use: diffuse
                model: "{{TestFiles.Fixture("tiny-sd")}}"
                prompt: "{prompt}, 90 bpm"
                steps: 2
                width: 64
                height: 64
                device: cpu
              - id: png
                use: write-image
                name: "{diffusion_prompt}"
            outputs:
              root: "{{Path.Combine(_work, "out")}}"
            """);

        CliResult result = await CliRunner.RunAsync("run", recipe);

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        File.Exists(Path.Combine(_work, "out", "lofi beat, 90 bpm.png")).Should().BeTrue();
    }

    [Fact]
    public async Task Validate_BadSchedulerAndSize_AreReportedWithLineAndColumn()
    {
        string yaml = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "recipes", "generate.yaml"))
            .Replace("scheduler: ${params.scheduler}", "scheduler: foo", StringComparison.Ordinal)
            .Replace("width: ${params.width}", "width: 100", StringComparison.Ordinal)
            .Replace("../tests/fixtures/tiny-sd", TestFiles.Fixture("tiny-sd"), StringComparison.Ordinal);
        string recipe = Write("bad.yaml", yaml);

        CliResult result = await CliRunner.RunAsync("validate", recipe);

        result.ExitCode.Should().Be(2);
        string all = result.Output + result.Error;
        all.Should().MatchRegex(@"bad\.yaml:\d+:\d+: option 'scheduler' of step 'image' unknown scheduler 'foo'");
        all.Should().MatchRegex(@"bad\.yaml:\d+:\d+: option 'width' of step 'image' size 100x512 is not supported");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Write(string name, string yaml)
    {
        string path = Path.Combine(_work, name);
        File.WriteAllText(path, yaml);
        return path;
    }
}
