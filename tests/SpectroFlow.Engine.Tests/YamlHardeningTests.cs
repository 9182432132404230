using System.Text;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Tests;

public sealed class YamlHardeningTests
{
    [Fact]
    public void LoadText_DeepFlowNesting_IsRejectedBeforeParsingFurther()
    {
        string recipe = "steps: " + new string('[', 100_000);

        Action load = () => RecipeValidationTests.Load(recipe);

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString()
            .Should().Be("r.yaml:1:39: nesting deeper than 32 levels");
    }

    [Fact]
    public void LoadText_MergeKey_IsRejectedAtItsLineAndColumn()
    {
        const string recipe = """
            inputs:
              - id: numbers
                use: count
            steps:
              - &plus
                id: plus
                use: add
                amount: 2
              - <<: *plus
                id: plus2
            """;

        Action load = () => RecipeValidationTests.Load(recipe);

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString()
            .Should().Be("r.yaml:9:5: YAML merge keys ('<<') are not supported: write the keys out, or share parts with include:");
    }

    [Fact]
    public void LoadText_QuotedMergeKeyText_IsAnOrdinaryKey()
    {
        Action load = () => RecipeValidationTests.Load("inputs:\n  - id: n\n    use: count\nsteps:\n  - id: a\n    use: add\n    '<<': 1\n");

        load.Should().Throw<RecipeException>().Which.Errors.Single().Message.Should().StartWith("unknown option '<<'");
    }

    [Fact]
    public void LoadText_DeepBlockNesting_IsRejected()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            text.Append(new string(' ', i * 2)).Append('k').Append(i).AppendLine(":");
        }

        text.Append(new string(' ', 80)).AppendLine("v: 1");

        Action load = () => RecipeValidationTests.Load(text.ToString());

        load.Should().Throw<RecipeException>().Which.Message.Should().EndWith("nesting deeper than 32 levels");
    }

    [Fact]
    public void LoadText_BillionLaughs_IsRejected()
    {
        const string recipe = """
            a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            """;

        Action load = () => RecipeValidationTests.Load(recipe, new RecipeLoadSettings { MaxAliases = 1000 });

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString()
            .Should().Be("r.yaml:5:8: recipe expands to more than 10000 nodes once aliases are expanded");
    }

    [Fact]
    public void LoadText_ManyAliases_AreRejectedByDefault()
    {
        string recipe = "a: &a x\nb: [" + string.Join(", ", Enumerable.Repeat("*a", 17)) + "]\n";

        Action load = () => RecipeValidationTests.Load(recipe);

        load.Should().Throw<RecipeException>().Which.Message
            .Should().Be("r.yaml:2:69: more than 16 aliases (*name); recipes do not need many");
    }

    [Fact]
    public void LoadText_FewAliases_AreAllowed()
    {
        const string recipe = """
            inputs:
              - id: numbers
                use: count
                count: &n 3
            steps:
              - id: plus
                use: add
                amount: *n
            """;

        RunPlan plan = RecipeValidationTests.Load(recipe);

        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(3);
    }

    [Fact]
    public void LoadFile_HugeFile_IsRejectedBeforeReading()
    {
        string path = Path.Combine(Path.GetTempPath(), $"spectroflow-huge-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, "# " + new string('x', 2 << 20));

            Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadFile(path);

            load.Should().Throw<RecipeException>().Which.Message
                .Should().Be($"{path}: recipe is {(2 << 20) + 2} bytes, more than the limit of 1048576");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadText_HugeScalar_IsRejected()
    {
        string recipe = "description: " + new string('x', 70_000);

        Action load = () => RecipeValidationTests.Load(recipe);

        load.Should().Throw<RecipeException>().Which.Message
            .Should().Be("r.yaml:1:14: value is 70000 characters long, more than the limit of 65536");
    }

    [Fact]
    public void LoadText_TwoDocuments_AreRejected()
    {
        Action load = () => RecipeValidationTests.Load("seed: 1\n---\nseed: 2\n");

        load.Should().Throw<RecipeException>().Which.Message.Should().Be("r.yaml:2:1: a recipe holds one YAML document; found a second");
    }

    [Fact]
    public void LoadFile_MissingFile_SaysSo()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadFile("/nonexistent/recipe.yaml");

        load.Should().Throw<RecipeException>().Which.Message.Should().Be("/nonexistent/recipe.yaml: recipe file not found");
    }
}
