using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

/// <summary>
/// <c>include:</c> on real files in a temp folder. The recipe is loaded as text named <c>r.yaml</c> in that folder, so
/// included files are named relative to it (<c>common/base.yaml</c>), or from its full path with <see cref="RecipeLoader.LoadFile"/>.
/// </summary>
public sealed class RecipeIncludeTests : IDisposable
{
    private const string Base = """
        seed: 3
        params:
          amount: 1
          mode: add
        inputs:
          - id: numbers
            use: count
            count: 4
        steps:
          - id: plus
            use: add
            amount: ${params.amount}
            mode: ${params.mode}
        outputs:
          root: shared-out
          keep: [plus]
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-include-" + Guid.NewGuid().ToString("N"));

    public RecipeIncludeTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "common"));
        Write("common/base.yaml", Base);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void LoadText_Include_MergesParamsInputsStepsSeedAndOutputs()
    {
        RunPlan plan = Load("""
            include: common/base.yaml
            params:
              amount: 5
            steps:
              - id: text
                use: to-text
            outputs:
              keep: [text]
            """);

        plan.Steps.Select(s => s.Id).Should().Equal("numbers", "plus", "text");
        plan.Steps[2].Upstream.Should().Equal(["plus"], "a step without from reads from the previous step, across files");
        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(5, "the including file overrides an included parameter");
        ((AddOptions)plan.Steps[1].Options).Mode.Should().Be(ToyMode.Add);
        plan.Parameters.Should().BeEquivalentTo(new Dictionary<string, string> { ["amount"] = "5", ["mode"] = "add" });
        plan.Seed.Should().Be(3, "the included seed stands when the recipe sets none");
        plan.OutputRoot.Should().Be(Path.Combine(_root, "common", "shared-out"), "outputs.root comes from the include and is relative to it");
        plan.Steps.Where(s => s.Keep).Select(s => s.Id).Should().Equal(["text"], "the recipe's keep replaces the included one");
        plan.IncludedFiles.Should().Equal(Path.Combine("common", "base.yaml"));
        plan.Steps[1].Location.ToString().Should().Be(Path.Combine("common", "base.yaml") + ":10:5");
    }

    [Fact]
    public void LoadText_SeedInRecipe_BeatsIncludedSeed()
    {
        RunPlan plan = Load("include: common/base.yaml\nseed: 7\n");

        plan.Seed.Should().Be(7);
        plan.Steps.Select(s => s.Id).Should().Equal("numbers", "plus");
    }

    [Fact]
    public void LoadText_SetOverride_BeatsRecipeWhichBeatsInclude()
    {
        const string recipe = "include: common/base.yaml\nparams:\n  amount: 5\n";
        var settings = new RecipeLoadSettings { Overrides = RecipeLoadSettings.ParseOverrides(["amount=9", "mode=multiply-then-add"]) };

        RunPlan plan = Load(recipe, settings);

        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(9);
        ((AddOptions)plan.Steps[1].Options).Mode.Should().Be(ToyMode.MultiplyThenAdd, "--set reaches parameters declared only in an include");
        Load(recipe).Parameters["amount"].Should().Be("5");
    }

    [Fact]
    public void LoadText_IncludedFile_IsInterpolatedWithMergedParamsAndEnvironment()
    {
        Write("common/write.yaml", """
            steps:
              - id: out
                use: write
                path: ${DIR:-images}/${params.folder}
            """);
        const string recipe = """
            include: [common/base.yaml, common/write.yaml]
            params:
              folder: pngs
            """;

        RunPlan withDefault = Load(recipe, new RecipeLoadSettings { Environment = _ => null });
        RunPlan withVariable = Load(recipe, new RecipeLoadSettings { Environment = name => name == "DIR" ? "x" : null });

        ((WriteOptions)withDefault.Steps[^1].Options).Path.Relative.Should().Be("images/pngs");
        ((WriteOptions)withVariable.Steps[^1].Options).Path.Relative.Should().Be("x/pngs");
        withDefault.Steps[^1].Upstream.Should().Equal("plus");
    }

    [Fact]
    public void LoadText_RecipeValueForIncludedRequiredVariable_ReplacesIt()
    {
        Write("common/base.yaml", Base.Replace("amount: 1", "amount: ${AMOUNT:?set AMOUNT}"));

        RunPlan plan = Load("include: common/base.yaml\nparams:\n  amount: 2\n", new RecipeLoadSettings { Environment = _ => null });
        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: common/base.yaml\n", new RecipeLoadSettings { Environment = _ => null }));

        ((AddOptions)plan.Steps[1].Options).Amount.Should().Be(2);
        error.Errors.Select(e => e.ToString()).Should().Equal(Path.Combine("common", "base.yaml") + ":3:11: environment variable AMOUNT is not set: set AMOUNT");
    }

    [Fact]
    public void LoadText_NestedIncludes_MergeDeepestFirstAndSharedFileOnce()
    {
        Write("common/steps.yaml", """
            include: base.yaml
            steps:
              - id: twice
                use: add
                amount: ${params.amount}
            """);
        Write("common/more.yaml", """
            include: base.yaml
            params:
              amount: 10
            """);

        RunPlan plan = Load("include: [common/steps.yaml, common/more.yaml]\nsteps:\n  - id: text\n    use: to-text\n");

        plan.IncludedFiles.Should().Equal(Path.Combine("common", "base.yaml"), Path.Combine("common", "steps.yaml"), Path.Combine("common", "more.yaml"));
        plan.Steps.Select(s => s.Id).Should().Equal("numbers", "plus", "twice", "text");
        plan.Steps.Select(s => string.Join(",", s.Upstream)).Should().Equal(string.Empty, "numbers", "plus", "twice");
        ((AddOptions)plan.Steps[2].Options).Amount.Should().Be(10, "more.yaml comes after base.yaml in merge order");
    }

    [Fact]
    public void LoadText_IncludeCycle_IsReportedWithTheChain()
    {
        Write("common/a.yaml", "include: b.yaml\n");
        Write("common/b.yaml", "params:\n  x: 1\ninclude: [../common/a.yaml]\n");

        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: common/a.yaml\nsteps: []\n"));

        string a = Path.Combine("common", "a.yaml");
        string b = Path.Combine("common", "b.yaml");
        error.Errors.Select(e => e.ToString()).Should().Equal($"{b}:3:11: include cycle: {a} -> {b} -> {a}");
    }

    [Fact]
    public void LoadText_RecipeIncludingItself_IsACycle()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: ./r.yaml\n"));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:1:10: include cycle: r.yaml -> r.yaml");
    }

    [Fact]
    public void LoadText_MissingInclude_IsReportedAtItsLineAndColumn()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load("seed: 1\ninclude: [common/base.yaml, common/missing.yaml]\n"));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:2:29: included file 'common/missing.yaml' not found");
    }

    [Theory]
    [InlineData("include: {a: b}\n", "r.yaml:1:10: 'include' must be a path or a list of paths")]
    [InlineData("include: [[common/base.yaml]]\n", "r.yaml:1:11: each entry of 'include' must be a path")]
    [InlineData("include: common/base.txt\n", "r.yaml:1:10: included file 'common/base.txt' must be a .yaml or .yml file")]
    public void LoadText_MalformedInclude_IsReported(string recipe, string expected)
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe));

        error.Errors.Select(e => e.ToString()).Should().Equal(expected);
    }

    [Fact]
    public void LoadFile_ErrorsInIncludedFile_NameThatFileLineAndColumn_BeforeTheRecipesOwn()
    {
        Write("common/base.yaml", Base.Replace("count: 4", "count: many").Replace("seed: 3", "sed: 3"));
        string recipe = Write("r.yaml", "include: common/base.yaml\nsteps:\n  - id: text\n    use: to-txet\n");

        RecipeException error = Assert.Throws<RecipeException>(() => new RecipeLoader(ToyRegistry.Create()).LoadFile(recipe));

        string included = Path.Combine(_root, "common", "base.yaml");
        error.Errors.Select(e => e.ToString()).Should().Equal(
            $"{included}:1:1: unknown recipe key 'sed' (did you mean 'seed'?)",
            $"{included}:8:12: option 'count' of step 'numbers' must be an integer, not 'many'",
            $"{recipe}:4:10: unknown block 'to-txet' (did you mean 'to-text'?)");
    }

    [Fact]
    public void LoadText_YamlErrorInIncludedFile_NamesThatFile()
    {
        Write("common/bad.yaml", "params:\n  a: [1\n");

        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: common/bad.yaml\n"));

        error.Errors.Select(e => e.ToString()).Should().Equal(Path.Combine("common", "bad.yaml") + ":3:1: While parsing a flow sequence, did not find expected ',' or ']'.");
    }

    [Fact]
    public void LoadText_StepIdInTwoFiles_IsReportedAtTheSecondNamingTheFirst()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: common/base.yaml\nsteps:\n  - id: plus\n    use: to-text\n"));

        error.Errors.Select(e => e.ToString()).Should().Equal($"r.yaml:3:9: id 'plus' is used twice (first at {Path.Combine("common", "base.yaml")}:10:9)");
    }

    [Fact]
    public void LoadText_InputIdInTwoFiles_IsReported()
    {
        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: common/base.yaml\ninputs:\n  - id: numbers\n    use: count\n"));

        string included = Path.Combine("common", "base.yaml");
        error.Errors.Select(e => e.ToString()).Should().Equal(
            $"{included}:10:5: step 'plus' needs 'from': the recipe has 2 inputs",
            $"r.yaml:3:9: id 'numbers' is used twice (first at {included}:6:9)");
    }

    [Fact]
    public void LoadText_AliasesOfRecipeAndIncludes_ShareOneBudget()
    {
        Write("common/aliases.yaml", "params:\n  a: &a 1\n  b: [" + string.Join(", ", Enumerable.Repeat("*a", 9)) + "]\n");
        string recipe = "include: common/aliases.yaml\nx: &x 1\ny: [" + string.Join(", ", Enumerable.Repeat("*x", 8)) + "]\n";

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe));

        error.Errors.Select(e => e.ToString()).Should().Equal(
            Path.Combine("common", "aliases.yaml") + ":3:39: more than 16 aliases (*name) in the recipe and its includes; recipes do not need many");
    }

    [Fact]
    public void LoadText_SizeOfRecipeAndIncludes_SharesOneLimit()
    {
        string recipe = "include: common/base.yaml\n";
        long limit = recipe.Length + Base.Length - 1;

        RecipeException error = Assert.Throws<RecipeException>(() => Load(recipe, new RecipeLoadSettings { MaxBytes = limit }));

        error.Errors.Select(e => e.ToString()).Should().Equal(
            $"{Path.Combine("common", "base.yaml")}: the recipe and its includes are {limit + 1} bytes, more than the limit of {limit}");
    }

    [Fact]
    public void LoadText_TooManyIncludes_IsReported()
    {
        Write("common/one.yaml", "params:\n  one: 1\n");

        RecipeException error = Assert.Throws<RecipeException>(() => Load("include: [common/base.yaml, common/one.yaml]\n", new RecipeLoadSettings { MaxIncludes = 1 }));

        error.Errors.Select(e => e.ToString()).Should().Equal("r.yaml:1:29: more than 1 included files");
    }

    [Fact]
    public void RecipeHash_ChangesWhenAnIncludedFileChanges()
    {
        const string recipe = "include: common/base.yaml\n";
        string before = RunManifest.RecipeHash(Load(recipe));
        string again = RunManifest.RecipeHash(Load(recipe));

        Write("common/base.yaml", Base.Replace("mode: add", "mode: multiply-then-add"));
        string after = RunManifest.RecipeHash(Load(recipe));

        again.Should().Be(before);
        after.Should().NotBe(before);
    }

    [Fact]
    public async Task LoadText_InputFolderInIncludedFile_IsRelativeToThatFile()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        Write("data/a.wav", "x");
        Write("data/b.wav", "y");
        Write("common/data-input.yaml", """
            inputs:
              - id: files
                folder: ../data
            steps:
              - id: text
                use: file-text
            outputs:
              keep: [text]
            """);

        RunPlan plan = Load("include: common/data-input.yaml\n");
        var folder = (Sources.FolderSourceOptions)plan.Steps[0].Options;
        RunReport report = await new RecipeRunner().RunAsync(plan, new RunOptions(), CancellationToken.None);

        folder.Folder.Value.Should().Be("data", "the fragment's ../data is stored relative to the recipe's folder");
        report.Outputs["text"].OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Payload).Should().Equal("x", "y");
    }

    [Fact]
    public void RecipeHash_IsTheSameWhenTheWholeProjectMoves()
    {
        Write("common/data-input.yaml", "inputs:\n  - id: files\n    folder: ../data\n");
        Directory.CreateDirectory(Path.Combine(_root, "data"));
        const string recipe = "include: common/data-input.yaml\nsteps:\n  - id: text\n    use: file-text\n";
        string here = RunManifest.RecipeHash(Load(recipe));

        string moved = _root + "-moved";
        Directory.Move(_root, moved);
        try
        {
            string there = RunManifest.RecipeHash(new RecipeLoader(ToyRegistry.Create()).LoadText(recipe, "r.yaml", moved));
            there.Should().Be(here);
        }
        finally
        {
            Directory.Move(moved, _root);
        }
    }

    private RunPlan Load(string text, RecipeLoadSettings? settings = null) =>
        new RecipeLoader(ToyRegistry.Create(), settings).LoadText(text, "r.yaml", _root);

    private string Write(string relativePath, string text)
    {
        string path = Path.Combine(_root, relativePath);
        File.WriteAllText(path, text);
        return path;
    }
}
