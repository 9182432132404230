using System.CommandLine;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Cli.Commands;

/// <summary>The recipe argument and the options that change how it loads (<c>--set</c>, <c>--output</c>), shared by recipe commands.</summary>
internal sealed class RecipeArguments
{
    public Argument<string> Recipe { get; } = new("recipe") { Description = "Recipe file (YAML)" };

    public Option<string[]> Set { get; } = new("--set") { Description = "Override a parameter or the seed: key=value (repeatable)" };

    public Option<string?> Output { get; } = new("--output", "-o") { Description = "Output root (replaces outputs.root)" };

    public void AddTo(Command command, bool withOutput = true)
    {
        command.Arguments.Add(Recipe);
        command.Options.Add(Set);
        if (withOutput)
        {
            command.Options.Add(Output);
        }
    }

    public RunPlan Load(ParseResult result, BlockRegistry registry)
    {
        string file = result.GetRequiredValue(Recipe);
        if (!File.Exists(file))
        {
            throw new UsageException($"recipe '{file}' not found");
        }

        var settings = new RecipeLoadSettings
        {
            Overrides = RecipeLoadSettings.ParseOverrides(result.GetValue(Set) ?? []),
            OutputRootOverride = result.GetValue(Output) is { Length: > 0 } output ? Path.GetFullPath(output) : null,
        };
        return new RecipeLoader(registry, settings).LoadFile(file);
    }
}
