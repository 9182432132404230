using System.Text.RegularExpressions;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>The Engine README's example recipe is a real recipe: it validates against the CLI's blocks and runs.</summary>
public sealed partial class EngineReadmeTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ReadmeExampleRecipe_ValidatesAndRuns()
    {
        string readme = await File.ReadAllTextAsync(Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", "src", "SpectroFlow.Engine", "README.md")));
        string recipe = FirstYamlAfterRecipeHeading().Match(readme).Groups["yaml"].Value;
        string path = Path.Combine(_directory.Path, "example.yaml");
        await File.WriteAllTextAsync(path, recipe);
        Directory.CreateDirectory(Path.Combine(_directory.Path, "music"));
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(_directory.Path, "music", "clip.wav"));

        CliResult validate = await CliRunner.RunAsync("validate", path);
        CliResult run = await CliRunner.RunAsync("run", path, "--set", "clip_ms=2559");

        recipe.Should().Contain("use: decode-slices");
        validate.ExitCode.Should().Be(0, validate.Output + validate.Error);
        run.ExitCode.Should().Be(0, run.Output + run.Error);
        Directory.GetFiles(Path.Combine(_directory.Path, "out", "images")).Should().HaveCount(3, "5.68 s of audio in 2.559 s clips, the last one padded");
        Directory.GetFiles(Path.Combine(_directory.Path, "out", "audio")).Should().HaveCount(3);
    }

    [GeneratedRegex(@"## Recipe\n.*?```yaml\n(?<yaml>.*?)```", RegexOptions.Singleline)]
    private static partial Regex FirstYamlAfterRecipeHeading();
}
