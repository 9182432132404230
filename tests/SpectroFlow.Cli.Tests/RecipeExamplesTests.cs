using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Every example recipe validates against the real block catalog, and every registered block appears in one.</summary>
public class RecipeExamplesTests
{
    private static readonly string s_recipes = Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", "recipes"));

    public static TheoryData<string> Recipes => [.. Directory.GetFiles(s_recipes, "*.yaml").Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task Validate_ExampleRecipe_IsValid(string recipe)
    {
        CliResult result = await CliRunner.RunAsync("validate", Path.Combine(s_recipes, recipe));

        result.ExitCode.Should().Be(0, result.Output + result.Error);
    }

    [Fact]
    public void Recipes_TogetherUseTheQuickstartBlocks()
    {
        string all = string.Concat(Directory.GetFiles(s_recipes, "*.yaml").Select(File.ReadAllText));

        foreach (string block in new[] { "decode-slices", "mel", "encode-image", "write-image", "image-to-mel", "invert", "write-audio", "decode-image", "tempo", "crossfade", "blend", "join", "concat" })
        {
            all.Should().Contain($"use: {block}", $"an example recipe should show the '{block}' block");
        }
    }

    [Fact]
    public async Task Validate_UnknownAndOutOfRangeOptionsInOneStep_ReportsBothWithLineAndColumn()
    {
        string recipe = Path.Combine(Path.GetTempPath(), $"spectroflow-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(recipe, "inputs:\n  - id: s\n    folder: .\nsteps:\n  - id: a\n    use: mel\n    n_mels: -3\n    bogus: 1\n");
        try
        {
            CliResult result = await CliRunner.RunAsync("validate", recipe);

            result.ExitCode.Should().Be(2);
            string name = Path.GetFileName(recipe);
            result.Output.Should().Contain($"{name}:7:5: option 'n_mels' of step 'a' number of frequencies -3 is outside 8..4096");
            result.Output.Should().Contain($"{name}:8:5: unknown option 'bogus' for block 'mel' in step 'a'");
        }
        finally
        {
            File.Delete(recipe);
        }
    }
}
