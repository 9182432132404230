using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Tests;

public sealed class InterpolationTests
{
    private const string Recipe = """
        seed: ${SEED:-11}
        params:
          amount: ${AMOUNT:-4}
          mode: add
        inputs:
          - id: numbers
            use: count
        steps:
          - id: plus
            use: add
            amount: ${params.amount}
            mode: ${params.mode}
          - id: out
            use: write
            path: $${literal}/${DIR:-images}
        """;

    private static readonly Dictionary<string, string> s_noEnvironment = [];

    [Fact]
    public void LoadText_Defaults_AreUsedWhenEnvironmentIsUnset()
    {
        RunPlan plan = Load(Recipe, s_noEnvironment);

        plan.Seed.Should().Be(11);
        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(4);
        ((WriteOptions)plan.Steps[2].Options).Path.Relative.Should().Be("${literal}/images");
    }

    [Fact]
    public void LoadText_EnvironmentValues_ReplaceDefaults()
    {
        RunPlan plan = Load(Recipe, new() { ["SEED"] = "99", ["AMOUNT"] = "-5", ["DIR"] = "pngs" });

        plan.Seed.Should().Be(99);
        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(-5);
        ((WriteOptions)plan.Steps[2].Options).Path.Relative.Should().Be("${literal}/pngs");
    }

    [Fact]
    public void LoadText_SetOverrides_BeatEnvironmentAndRecipe()
    {
        IReadOnlyDictionary<string, string> overrides = RecipeLoadSettings.ParseOverrides(["amount=7", "params.mode=multiply-then-add", "seed=3"]);

        RunPlan plan = Load(Recipe, new() { ["AMOUNT"] = "-5" }, overrides);

        plan.Seed.Should().Be(3);
        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(7);
        ((AddOptions)plan.Steps[1].Options).Mode.Should().Be(ToyMode.MultiplyThenAdd);
        plan.Parameters["amount"].Should().Be("7");
    }

    [Fact]
    public void LoadText_OverriddenValueOfWrongType_IsReportedAtTheUse()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load(Recipe, s_noEnvironment, new Dictionary<string, string> { ["amount"] = "many" }));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:11:13: option 'amount' of step 'plus' must be an integer, not 'many'");
    }

    [Fact]
    public void LoadText_UnknownSetKey_IsReportedWithSuggestion()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load(Recipe, s_noEnvironment, new Dictionary<string, string> { ["amuont"] = "1" }));

        error.Errors.Select(e => e.ToString()).Should().Equal("--set amuont: the recipe declares no parameter 'amuont' (did you mean 'amount'?)");
    }

    [Fact]
    public void ParseOverrides_PairWithoutEquals_IsReported()
    {
        Action parse = () => RecipeLoadSettings.ParseOverrides(["amount=1", "oops", "=x"]);

        parse.Should().Throw<RecipeException>().Which.Errors.Select(e => e.Message)
            .Should().Equal("--set 'oops': expected key=value", "--set '=x': expected key=value");
    }

    [Fact]
    public void LoadText_UnsetVariableWithoutDefault_IsAnError()
    {
        string recipe = Recipe.Replace("${DIR:-images}", "${OUTPUT_DIR}").Replace("${AMOUNT:-4}", "${AMOUNT:?set AMOUNT to the step size}");

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe, s_noEnvironment));

        error.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:3:11: environment variable AMOUNT is not set: set AMOUNT to the step size",
            "r.yaml:15:11: environment variable OUTPUT_DIR is not set and has no default (write ${OUTPUT_DIR:-default})");
    }

    [Fact]
    public void LoadText_UnknownParameter_IsAnError()
    {
        string recipe = Recipe.Replace("${params.mode}", "${params.mood}");

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe, s_noEnvironment));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:12:11: unknown parameter 'mood' (did you mean 'mode'?)");
    }

    [Fact]
    public void LoadText_EnvironmentValueWithLineBreak_IsRejected()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load(Recipe, new() { ["DIR"] = "a\n  evil: true" }));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:15:11: environment variable DIR contains a line break");
    }

    [Fact]
    public void LoadText_InterpolatedPathEscapingRoot_IsRejected()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load(Recipe.Replace("$${literal}/", string.Empty), new() { ["DIR"] = "../.." }));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:15:11: option 'path' of step 'out' '../..' escapes the output root");
    }

    private static RunPlan Load(string text, Dictionary<string, string> environment, IReadOnlyDictionary<string, string>? overrides = null) =>
        RecipeValidationTests.Load(text, new RecipeLoadSettings
        {
            Environment = name => environment.GetValueOrDefault(name),
            Overrides = overrides ?? new Dictionary<string, string>(),
        });
}
