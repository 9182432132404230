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

        foreach (string block in new[] { "decode", "slice", "mel", "encode-image", "write-image", "image-to-mel", "invert", "write-audio", "decode-image" })
        {
            all.Should().Contain($"use: {block}", $"an example recipe should show the '{block}' block");
        }
    }
}
