using System.CommandLine;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>validate RECIPE</c>: every problem as <c>file:line:col: message</c> (exit 2), or "valid" (exit 0).</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var recipe = new RecipeArguments();
        var command = new Command("validate", "Check a recipe without running it: every problem, one per line");
        recipe.AddTo(command, withOutput: false);
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            try
            {
                Engine.Recipes.RunPlan plan = recipe.Load(result, context.CreateRegistry());
                string includes = plan.IncludedFiles.Count > 0 ? $"; includes {string.Join(", ", plan.IncludedFiles)}" : string.Empty;
                context.Out.WriteLine($"{plan.File}: valid ({Words.Count(plan.Steps.Count, "step")}{includes})");
                foreach (string warning in Engine.Recipes.RecipeChecks.Warnings(plan))
                {
                    context.Error.WriteLine($"warning: {warning}");
                }

                return Task.FromResult(ExitCodes.Success);
            }
            catch (RecipeException e)
            {
                foreach (Core.Blocks.ValidationError problem in e.Errors)
                {
                    context.Out.WriteLine(problem.ToString().ReplaceLineEndings(" "));
                }

                return Task.FromResult(ExitCodes.Usage);
            }
        }));
        return command;
    }
}
