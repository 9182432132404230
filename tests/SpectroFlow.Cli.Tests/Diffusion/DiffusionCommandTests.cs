using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests.Diffusion;

/// <summary>generate, remix and riff on the tiny fixture model: lengths, files, determinism, and one-line errors for bad input.</summary>
public sealed class DiffusionCommandTests : IDisposable
{
    private static readonly string s_model = TestFiles.Fixture("tiny-sd");
    private readonly string _work = Directory.CreateTempSubdirectory("sf-diffusion-cmd-").FullName;

    [Fact]
    public async Task Generate_SameSeedTwice_GivesTheSameBytes_AndAnotherSeedDiffers()
    {
        string a = Path.Combine(_work, "a.png");
        string b = Path.Combine(_work, "b.png");
        string c = Path.Combine(_work, "c.png");

        (await Generate(a, "--seed", "7")).ExitCode.Should().Be(0);
        (await Generate(b, "--seed", "7")).ExitCode.Should().Be(0);
        (await Generate(c, "--seed", "8")).ExitCode.Should().Be(0);

        File.ReadAllBytes(a).Should().Equal(File.ReadAllBytes(b));
        File.ReadAllBytes(a).Should().NotEqual(File.ReadAllBytes(c));
        SpectrogramPng.ReadAnyHeight(a).Parameters.NumFrequencies.Should().Be(64, "the EXIF describes the image as written");
    }

    [Fact]
    public async Task Generate_SeedMatchesTheSameNoiseGivenAsAFile()
    {
        string seeded = Path.Combine(_work, "seeded.png");
        string filed = Path.Combine(_work, "filed.png");

        (await Generate(seeded, "--seed", "42")).ExitCode.Should().Be(0);
        (await Generate(filed, "--init-noise", Path.Combine(s_model, "cases", "noise_seed42_1x4x8x8.bin"))).ExitCode.Should().Be(0);

        File.ReadAllBytes(seeded).Should().Equal(File.ReadAllBytes(filed), "--seed 42 is numpy's RandomState(42).standard_normal");
    }

    [Fact]
    public async Task Generate_WavOutput_IsTheImagesInversion()
    {
        string wav = Path.Combine(_work, "out.wav");

        CliResult result = await CliRunner.RunAsync("generate", "--model", s_model, "--prompt", "drums", "--steps", "3", "--device", "cpu", wav);

        result.ExitCode.Should().Be(0, result.Error);
        AudioClip audio = AudioDecoder.Decode(wav);
        audio.Frames.Should().Be(511 * 441, "a 512-column image covers 511 hops of 441 samples");
    }

    [Fact]
    public async Task Remix_KeepsTheInputsExactLength()
    {
        string input = Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "groove_a_minor_96bpm.wav");
        string output = Path.Combine(_work, "remix.wav");

        CliResult result = await CliRunner.RunAsync("remix", input, "--model", s_model, "--prompt", "jazz", "--steps", "3", "--strength", "0.6", "--device", "cpu", output);

        result.ExitCode.Should().Be(0, result.Error);
        AudioDecoder.Decode(output).Frames.Should().Be(AudioDecoder.Decode(input).Frames);
        result.Output.Should().Contain("clip 2/");
    }

    [Fact]
    public async Task Riff_WritesEveryFrame_AndJoinsThemIntoOneTrack()
    {
        string frames = Path.Combine(_work, "frames");
        string output = Path.Combine(_work, "riff.wav");

        CliResult result = await CliRunner.RunAsync(
            "riff", "--model", s_model, "--from", "lofi beat", "--to", "jazz", "--seed-to", "1", "--frames", "3", "--steps", "3",
            "--device", "cpu", "--frames-dir", frames, output);

        result.ExitCode.Should().Be(0, result.Error);
        Directory.GetFiles(frames).Select(Path.GetFileName).Should().BeEquivalentTo(["frame_01.png", "frame_02.png", "frame_03.png"]);
        SpectrogramImage first = SpectrogramPng.Read(Path.Combine(frames, "frame_01.png"));
        (first.Width, first.Height).Should().Be((512, 512), "the og_beat seed image sets the size");
        AudioDecoder.Decode(output).Frames.Should().Be(3 * 511 * 441, "three frames joined end to end");
        File.ReadAllBytes(Path.Combine(frames, "frame_01.png")).Should().NotEqual(File.ReadAllBytes(Path.Combine(frames, "frame_03.png")));
    }

    [Fact]
    public async Task MissingModelFolder_IsOneErrorLineNamingIt()
    {
        string missing = Path.Combine(_work, "no-model");

        CliResult result = await CliRunner.RunAsync("generate", "--model", missing, "--prompt", "x", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(missing).And.Contain("not found");
    }

    [Fact]
    public async Task ModelWithoutUnet_NamesTheMissingFile()
    {
        string copy = CopyModel();
        File.Delete(Path.Combine(copy, "unet", "model.onnx"));

        CliResult result = await CliRunner.RunAsync("generate", "--model", copy, "--prompt", "x", "--device", "cpu", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal)).Which.Should().Contain(Path.Combine("unet", "model.onnx"));
        File.Exists(Path.Combine(_work, "x.png")).Should().BeFalse();
    }

    [Fact]
    public async Task UnetOfTheWrongKind_NamesTheFileAndTheMissingInput()
    {
        string copy = CopyModel();
        File.Copy(Path.Combine(copy, "vae_decoder", "model.onnx"), Path.Combine(copy, "unet", "model.onnx"), overwrite: true);

        CliResult result = await CliRunner.RunAsync("generate", "--model", copy, "--prompt", "x", "--device", "cpu", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal))
            .Which.Should().Contain(Path.Combine("unet", "model.onnx")).And.Contain("no input named 'sample'");
    }

    [Fact]
    public async Task DeviceAuto_WithoutCuda_SaysSoInOneLine_AndRunsOnCpu()
    {
        CliResult result = await Generate(Path.Combine(_work, "auto.png"), "--device", "auto");

        result.ExitCode.Should().Be(0, result.Error);
        string[] fallback = [.. result.ErrorLines.Where(l => l.Contains("CUDA is not available", StringComparison.Ordinal))];
        if (result.Error.Contains("loaded on CUDA", StringComparison.Ordinal))
        {
            fallback.Should().BeEmpty("this machine has CUDA");
        }
        else
        {
            fallback.Should().ContainSingle("one line, not one per model file").Which.Should().Contain("running on CPU");
            result.ErrorLines.Should().NotContain(l => l.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase), "ONNX Runtime's own log does not reach the console");
        }
    }

    [Fact]
    public async Task SdxlModelIndex_IsRefusedAsNotSd1()
    {
        string copy = CopyModel();
        File.WriteAllText(Path.Combine(copy, "model_index.json"), """{"_class_name": "StableDiffusionXLPipeline"}""");

        CliResult result = await CliRunner.RunAsync("generate", "--model", copy, "--prompt", "x", "--device", "cpu", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("model_index.json").And.Contain("not a Stable Diffusion 1.x");
    }

    [Fact]
    public async Task SizeNotAMultipleOf64_IsAUsageError()
    {
        CliResult result = await CliRunner.RunAsync("generate", "--model", s_model, "--prompt", "x", "--width", "100", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain("100x512").And.Contain("multiples of 64");
    }

    [Fact]
    public async Task InitImageOfAnUnsupportedSize_IsOneLineNamingIt()
    {
        string image = Path.Combine(_work, "odd.png");
        SpectrogramPng.Write(image, new SpectrogramImage(100, 70, new byte[100 * 70 * 3], Core.Spectrograms.SpectrogramParams.Riffusion with { NumFrequencies = 70 }));

        CliResult result = await CliRunner.RunAsync("generate", "--model", s_model, "--prompt", "x", "--init-image", image, Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(image).And.Contain("100x70").And.Contain("multiples of 64");
    }

    [Fact]
    public async Task InitNoiseOfTheWrongSize_NamesTheFile()
    {
        string noise = Path.Combine(_work, "noise.bin");
        File.WriteAllBytes(noise, new byte[100]);

        CliResult result = await Generate(Path.Combine(_work, "x.png"), "--init-noise", noise);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(noise).And.Contain("expected 1024");
    }

    [Fact]
    public async Task LongPrompt_IsTruncatedWithOneWarning()
    {
        string prompt = string.Join(' ', Enumerable.Repeat("guitar", 90));

        CliResult result = await CliRunner.RunAsync("generate", "--model", s_model, "--prompt", prompt, "--steps", "2", "--width", "64", "--height", "64", "--device", "cpu", Path.Combine(_work, "x.png"));

        result.ExitCode.Should().Be(0, result.Error);
        result.ErrorLines.Where(l => l.Contains("77 tokens", StringComparison.Ordinal)).Should().ContainSingle().Which.Should().Contain("15 tokens were dropped");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static Task<CliResult> Generate(string output, params string[] extra) =>
        CliRunner.RunAsync(["generate", "--model", s_model, "--prompt", "lofi hip hop beat, 90 bpm", "--steps", "5", "--width", "64", "--height", "64", .. (extra.Contains("--device") ? extra : [.. extra, "--device", "cpu"]), output]);

    private string CopyModel()
    {
        string copy = Path.Combine(_work, "model");
        foreach (string file in Directory.GetFiles(s_model, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(s_model, file);
            if (relative.StartsWith("cases", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }

        return copy;
    }
}
