using System.CommandLine;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>graph RECIPE [--dot]</c>: the recipe's steps and edges as text or Graphviz DOT.</summary>
internal static class GraphCommand
{
    public static Command Create(CliContext context)
    {
        var recipe = new RecipeArguments();
        var dot = new Option<bool>("--dot") { Description = "Print Graphviz DOT (pipe into 'dot -Tsvg')" };
        var command = new Command("graph", "Show a recipe's steps as a graph") { dot };
        recipe.AddTo(command, withOutput: false);
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            RunPlan plan = recipe.Load(result, context.CreateRegistry());
            foreach (string line in result.GetValue(dot) ? Dot(plan) : Text(plan))
            {
                context.Out.WriteLine(line);
            }
        }));
        return command;
    }

    public static IEnumerable<string> Text(RunPlan plan)
    {
        foreach (PlannedStep step in plan.Steps)
        {
            string from = step.Upstream.Count == 0 ? "(input)" : "<- " + string.Join(", ", step.Upstream);
            yield return $"{step.Id} [{step.Block.Name}, parallelism {step.Parallelism}, capacity {step.Capacity}] {from}";
        }
    }

    public static IEnumerable<string> Dot(RunPlan plan)
    {
        yield return "digraph recipe {";
        yield return "  rankdir=LR;";
        foreach (PlannedStep step in plan.Steps)
        {
            string shape = step.Upstream.Count == 0 ? "ellipse" : "box";
            yield return $"  {Quote(step.Id)} [shape={shape}, label={Quote(step.Id + "\\n" + step.Block.Name)}];";
        }

        foreach (PlannedStep step in plan.Steps)
        {
            foreach (string upstream in step.Upstream)
            {
                yield return $"  {Quote(upstream)} -> {Quote(step.Id)};";
            }
        }

        yield return "}";
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
