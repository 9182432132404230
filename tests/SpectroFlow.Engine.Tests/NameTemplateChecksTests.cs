using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Tests;

[ProducesMetadata("bpm")]
internal sealed class TempoOptions : IBlockOptions
{
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>Adds 'bpm' (declared) to each file item.</summary>
internal sealed class TempoBlock : IBlock<SourceFile, SourceFile>
{
    public ValueTask<SourceFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        context.OutputMetadata["bpm"] = 120.0;
        return ValueTask.FromResult(input);
    }
}

/// <summary>Declares nothing, so it may add any metadata.</summary>
internal sealed class UndeclaredOptions : IBlockOptions
{
    public void Validate(ValidationErrors errors)
    {
    }
}

internal sealed class UndeclaredBlock : IBlock<SourceFile, SourceFile>
{
    public ValueTask<SourceFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

/// <summary>Name templates are checked when the recipe loads against the metadata the steps before the writer can give.</summary>
public sealed class NameTemplateChecksTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sf-names-").FullName;

    public NameTemplateChecksTests() => Directory.CreateDirectory(Path.Combine(_root, "in"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void UnknownPlaceholder_IsAnErrorAtTheNameOption()
    {
        Action load = () => Load("tempo", "{stem}_{nope}");

        load.Should().Throw<RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:9:11: option 'name' of step 'save' uses '{nope}', which its items never have (they have: bpm, ext, file, input, input_key, ordinal, source_dir, source_path, source_stem, stem, tags)");
    }

    [Fact]
    public void Misspelt_SuggestsTheClosest()
    {
        Action load = () => Load("tempo", "{bmp}");

        load.Should().Throw<RecipeException>().Which.Errors.Single().Message.Should().Contain("(did you mean 'bpm'?)");
    }

    [Theory]
    [InlineData("{stem}_{bpm:0}_{input}_{input_key}_{source_path}_{tags}_{ordinal}_{file}_{ext}_{source_dir}_{source_stem}")]
    [InlineData("{{nope}}")]
    public void KnownPlaceholders_AreAccepted(string name) =>
        Load("tempo", name).Steps.Should().HaveCount(3);

    [Fact]
    public void AStepThatDeclaresNothing_MayAddAnything_SoNothingIsRejected() =>
        Load("undeclared", "{whatever}").Steps.Should().HaveCount(3);

    private RunPlan Load(string middle, string name)
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry
            .Add("tempo", (TempoOptions _, BlockServices _) => new TempoBlock(), "Adds bpm.")
            .Add("undeclared", (UndeclaredOptions _, BlockServices _) => new UndeclaredBlock(), "Adds who knows what.")
            .Add("save", (SaveOptions o, BlockServices _) => new SaveBlock(o), "Writes files.");
        return new RecipeLoader(registry).LoadText(
            $"inputs:\n  - id: songs\n    folder: in\nsteps:\n  - id: mid\n    use: {middle}\n  - id: save\n    use: save\n    name: \"{name}\"\n",
            "r.yaml",
            _root);
    }
}

internal sealed class SaveOptions : FileOutputOptions
{
}

internal sealed class SaveBlock(SaveOptions options) : IBlock<SourceFile, WrittenFile>
{
    public ValueTask<WrittenFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Core.IO.OutputNaming.Publish(context.Run, options.Folder, options.Name, ".out", context.Item, [1]));
}
