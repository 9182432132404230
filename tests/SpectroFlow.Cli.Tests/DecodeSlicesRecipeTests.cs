using System.Security.Cryptography;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>A recipe with decode-slices writes byte-identical files to the same recipe with decode then slice.</summary>
public sealed class DecodeSlicesRecipeTests : IDisposable
{
    private const string Steps = """
          - id: mel
            use: mel
          - id: image
            use: encode-image
          - id: png
            use: write-image
            folder: png
            name: "{source_dir}_{stem}_{start_ms:0.000}_{end_ms:0.000}_{duration_seconds:0.000000}_{sample_rate}_{channels}"
          - id: wav
            use: write-audio
            from: CLIPS
            folder: wav
            name: "{stem}_{ordinal}"
            float: true
        outputs:
          root: out
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-decode-slices-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("pad")]
    [InlineData("drop")]
    public async Task Run_DecodeSlices_WritesTheSameFilesAsDecodeThenSlice(string last)
    {
        string input = Path.Combine(_directory, "in", "set");
        Directory.CreateDirectory(input);
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "clip.wav"));
        File.Copy(TestFiles.Fixture("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3"), Path.Combine(input, "tone.mp3"));
        File.Copy(TestFiles.Fixture("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg"), Path.Combine(input, "tone.ogg"));
        File.Copy(TestFiles.Fixture("audio/tone_1000_22k05_mono_1000ms.flac"), Path.Combine(input, "tone.flac"));
        string header = $$"""
            seed: 5
            inputs:
              - id: songs
                folder: in
                glob: ["**/*.*"]
            steps:

            """;
        string twoSteps = header + $"""
              - id: decode
                use: decode
              - id: clips
                use: slice
                clip_ms: 700
                last: {last}

            """ + Steps.Replace("CLIPS", "clips", StringComparison.Ordinal);
        string oneStep = header + $"""
              - id: clips
                use: decode-slices
                clip_ms: 700
                last: {last}

            """ + Steps.Replace("CLIPS", "clips", StringComparison.Ordinal);

        Dictionary<string, string> expected = await RunAsync(twoSteps, "two-steps");
        Dictionary<string, string> actual = await RunAsync(oneStep, "one-step");

        expected.Keys.Should().Contain(Path.Combine("png", "set_clip_00000_0.000_700.000_0.700000_44100_2.png"));
        expected.Should().HaveCountGreaterThan(20);
        actual.Should().Equal(expected);
    }

    [Theory]
    [InlineData("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg")]
    [InlineData("audio/tone_1000_22k05_mono_1000ms.flac")]
    public async Task AudioToImage_ClipMs_WritesTheSameImagesAsTheRecipe(string fixture)
    {
        string input = Path.Combine(_directory, "in");
        Directory.CreateDirectory(input);
        string file = Path.Combine(input, "tone" + Path.GetExtension(fixture));
        File.Copy(TestFiles.Fixture(fixture), file);
        await File.WriteAllTextAsync(Path.Combine(_directory, "r.yaml"), """
            inputs:
              - id: songs
                folder: in
            steps:
              - id: clips
                use: decode-slices
                clip_ms: 300
              - id: mel
                use: mel
              - id: image
                use: encode-image
              - id: png
                use: write-image
                name: "{stem}"   # the single-file command's clip names
            outputs:
              root: out
            """);
        string folder = Path.Combine(_directory, "cli");

        CliResult run = await CliRunner.RunAsync("run", Path.Combine(_directory, "r.yaml"));
        CliResult cli = await CliRunner.RunAsync("audio-to-image", file, folder, "--clip-ms", "300");

        run.ExitCode.Should().Be(0, run.Output + run.Error);
        cli.ExitCode.Should().Be(0, cli.Error);
        Dictionary<string, string> fromRecipe = Hashes(Path.Combine(_directory, "out"));
        fromRecipe.Should().HaveCount(4);
        Hashes(folder).Should().Equal(fromRecipe);
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetFileName(path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));

    private async Task<Dictionary<string, string>> RunAsync(string recipeText, string name)
    {
        string recipe = Path.Combine(_directory, name + ".yaml");
        await File.WriteAllTextAsync(recipe, recipeText);
        string output = Path.Combine(_directory, name);

        CliResult result = await CliRunner.RunAsync("run", recipe, "--output", output);

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        return Directory.GetFiles(output, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".png", StringComparison.Ordinal) || path.EndsWith(".wav", StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(output, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
    }
}
