using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Tests;

public sealed class RecipeValidationTests
{
    private const string Valid = """
        seed: 7
        inputs:
          - id: numbers
            use: count
            count: 5
        steps:
          - id: plus
            use: add
            amount: 2
          - id: text
            use: to-text
        outputs:
          root: out
          keep: [text]
        """;

    public static TheoryData<string, string> BrokenRecipes => new()
    {
        // unknown block, with a suggestion
        { Valid.Replace("use: to-text", "use: to-txet"), "r.yaml:11:10: unknown block 'to-txet' (did you mean 'to-text'?)" },
        // unknown option, with a suggestion
        { Valid.Replace("amount: 2", "amuont: 2"), "r.yaml:9:5: unknown option 'amuont' for block 'add' in step 'plus' (did you mean 'amount'?)" },
        // wrong type
        { Valid.Replace("amount: 2", "amount: lots"), "r.yaml:9:13: option 'amount' of step 'plus' must be an integer, not 'lots'" },
        { Valid.Replace("amount: 2", "amount: [1, 2]"), "r.yaml:9:13: option 'amount' of step 'plus' must be an integer, not a list" },
        { Valid.Replace("amount: 2", "amount: 2\n    slow: maybe"), "r.yaml:10:11: option 'slow' of step 'plus' must be true or false, not 'maybe'" },
        { Valid.Replace("amount: 2", "amount: 2\n    mode: divide"), "r.yaml:10:11: option 'mode' of step 'plus' must be one of add, multiply-then-add, not 'divide'" },
        // out of range
        { Valid.Replace("amount: 2", "amount: 5000"), "r.yaml:9:13: option 'amount' of step 'plus' must be between -1000 and 1000, not 5000" },
        { Valid.Replace("count: 5", "count: -1"), "r.yaml:5:12: option 'count' of step 'numbers' must be between 0 and 1000000, not -1" },
        { Valid.Replace("amount: 2", "amount: 2\n    parallelism: 0"), "r.yaml:10:18: 'parallelism' must be a whole number from 1 to 256, not '0'" },
        { Valid.Replace("amount: 2", "parallelism: 4\n    capacity: 2"), "r.yaml:10:15: step 'plus': capacity (2) must be at least parallelism (4)" },
        // options.Validate (cross-field rule) reported at the key
        { Valid.Replace("amount: 2", "mode: multiply-then-add\n    scale: 0"), "r.yaml:10:5: option 'scale' of step 'plus' must not be 0 with mode multiply-then-add" },
        // missing upstream
        { Valid.Replace("use: to-text", "use: to-text\n    from: plsu"), "r.yaml:12:11: step 'text' reads from 'plsu', which is not an input or step (did you mean 'plus'?)" },
        { Valid.Replace("use: to-text", "use: to-text\n    from: []"), "r.yaml:12:11: 'from' lists no step; leave it out to read from the previous step" },
        // type mismatch (image block fed numbers)
        { Valid.Replace("use: to-text", "use: image-only"), "r.yaml:10:5: step 'text' (image-only) takes SpectrogramImage but 'plus' (add) produces Int32" },
        // duplicate id
        { Valid.Replace("id: text", "id: plus").Replace("keep: [text]", "keep: [plus]"), "r.yaml:10:9: id 'plus' is used twice (first at r.yaml:7:9)" },
        // missing required option
        { Valid.Replace("use: to-text", "use: write"), "r.yaml:10:5: step 'text' (write) needs option 'path'" },
        // output escaping the root
        { Valid.Replace("use: to-text", "use: write\n    path: ../../etc/passwd"), "r.yaml:12:11: option 'path' of step 'text' '../../etc/passwd' escapes the output root" },
        { Valid.Replace("use: to-text", "use: write\n    path: /tmp/x.png"), "r.yaml:12:11: option 'path' of step 'text' '/tmp/x.png' must be relative to the output root" },
        // unknown top-level key, unknown outputs key, keep naming nothing
        { Valid.Replace("seed: 7", "sed: 7"), "r.yaml:1:1: unknown recipe key 'sed' (did you mean 'seed'?)" },
        { Valid.Replace("keep: [text]", "keep: [txt]"), "r.yaml:14:10: outputs.keep names 'txt', which is not a step (did you mean 'text'?)" },
        { Valid.Replace("seed: 7", "seed: -3"), "r.yaml:1:7: seed must be a whole number from 0 to 18446744073709551615, not '-3'" },
        // a source used as a step and a block used as an input
        { Valid.Replace("use: to-text", "use: count"), "r.yaml:11:10: 'count' is an input type; declare it under 'inputs'" },
        { Valid.Replace("use: count", "use: add"), "r.yaml:4:10: 'add' is a block, not an input type" },
        // YAML syntax error and duplicate keys
        { Valid.Replace("amount: 2", "amount: 2\n    amount: 3"), "r.yaml:10:5: duplicate key 'amount'" },
        { Valid.Replace("amount: 2", "amount: [2"), "r.yaml:9:13: invalid YAML after this point (an unclosed bracket, brace or quote?)" },
        { Valid.Replace("amount: 2", "amount: 2\n   - bad"), "r.yaml:10:4: While parsing a block collection, did not find expected '-' indicator." },
        // custom tags are refused (no type instantiation from YAML)
        { Valid.Replace("amount: 2", "amount: !!python/object 2"), "r.yaml:9:13: tag 'tag:yaml.org,2002:python/object' is not allowed in a recipe" },
        { Valid.Replace("amount: 2", "amount: !System.IO.File 2"), "r.yaml:9:13: tag '!System.IO.File' is not allowed in a recipe" },
    };

    [Fact]
    public void LoadText_ValidRecipe_BuildsPlanInDependencyOrder()
    {
        RunPlan plan = Load(Valid);

        plan.Seed.Should().Be(7);
        plan.Steps.Select(s => s.Id).Should().Equal("numbers", "plus", "text");
        plan.Steps[1].Upstream.Should().Equal("numbers");
        plan.Steps[2].Upstream.Should().Equal("plus");
        plan.Steps[2].Keep.Should().BeTrue();
        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(2);
        plan.OutputRoot.Should().Be(Path.GetFullPath("/recipes/out"));
    }

    [Theory]
    [MemberData(nameof(BrokenRecipes))]
    public void LoadText_BrokenRecipe_ReportsExactMessage(string recipe, string expected)
    {
        Action load = () => Load(recipe);

        load.Should().Throw<RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(expected);
    }

    [Fact]
    public void LoadText_ManyProblems_ReportsAllAtOnceInFileOrder()
    {
        string recipe = Valid
            .Replace("count: 5", "count: many")
            .Replace("amount: 2", "amount: 2\n    colour: red")
            .Replace("use: to-text", "use: nope\n    from: ghost");

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe));

        error.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:5:12: option 'count' of step 'numbers' must be an integer, not 'many'",
            "r.yaml:10:5: unknown option 'colour' for block 'add' in step 'plus'",
            "r.yaml:12:10: unknown block 'nope'",
            "r.yaml:13:11: step 'text' reads from 'ghost', which is not an input or step");
        error.Message.Should().StartWith("4 problems in recipe:");
    }

    [Fact]
    public void LoadText_Cycle_ReportsTheCycle()
    {
        const string recipe = """
            inputs:
              - id: numbers
                use: count
            steps:
              - id: a
                use: add
                from: [numbers, c]
              - id: b
                use: add
              - id: c
                use: add
            """;

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:5:5: steps form a cycle: a -> c -> b -> a");
    }

    [Fact]
    public void LoadText_SeveralInputsAndNoFrom_AsksForFrom()
    {
        const string recipe = """
            inputs:
              - id: x
                use: count
              - id: y
                use: count
            steps:
              - id: a
                use: add
            """;

        Action load = () => Load(recipe);

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString()
            .Should().Be("r.yaml:7:5: step 'a' needs 'from': the recipe has 2 inputs");
    }

    [Fact]
    public void LoadText_MergeOfTwoBranches_HasBothUpstreams()
    {
        const string recipe = """
            inputs:
              - id: numbers
                use: count
            steps:
              - id: a
                use: add
              - id: b
                use: add
                from: numbers
              - id: joined
                use: to-text
                from: [a, b]
            """;

        RunPlan plan = Load(recipe);

        plan.Steps.Single(s => s.Id == "joined").Upstream.Should().Equal("a", "b");
    }

    [Fact]
    public void LoadText_NoParallelismGiven_UsesDefaultsOfTheBlockKind()
    {
        RunPlan plan = Load(Valid.Replace("use: to-text", "use: session").Replace("keep: [text]", "keep: []"));

        plan.Steps.Single(s => s.Id == "plus").Parallelism.Should().Be(Environment.ProcessorCount);
        plan.Steps.Single(s => s.Id == "text").Parallelism.Should().Be(1, "a GPU-session block runs one item at a time");
        plan.Steps.Single(s => s.Id == "text").Capacity.Should().Be(2);
        plan.Steps.Single(s => s.Id == "numbers").Parallelism.Should().Be(1);
    }

    [Fact]
    public void LoadText_ParallelismAndCapacityGiven_AreUsed()
    {
        RunPlan plan = Load(Valid.Replace("amount: 2", "parallelism: 3\n    capacity: 9"));

        plan.Steps.Single(s => s.Id == "plus").Parallelism.Should().Be(3);
        plan.Steps.Single(s => s.Id == "plus").Capacity.Should().Be(9);
    }

    internal static RunPlan Load(string text, RecipeLoadSettings? settings = null) =>
        new RecipeLoader(ToyRegistry.Create(), settings).LoadText(text, "r.yaml", "/recipes");
}
