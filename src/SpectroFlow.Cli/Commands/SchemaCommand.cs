using System.CommandLine;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>schema</c>: the recipe JSON Schema for editors (YAML language server).</summary>
internal static class SchemaCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("schema", "Print the recipe JSON Schema (for editor completion and validation)");
        command.SetAction((_, _) => context.RunAsync(() => context.Out.WriteLine(RecipeSchema.Generate(context.CreateRegistry()))));
        return command;
    }
}
