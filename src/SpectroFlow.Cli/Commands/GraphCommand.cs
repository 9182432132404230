using System.CommandLine;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;

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
            string from = step.Upstream.Count == 0 ? "(input)" : "<- " + string.Join(", ", step.Inputs.Select(i => PortLabel(step, i) + i.StepId));
            yield return $"{step.Id} [{step.Block.Name}, parallelism {step.Parallelism}, capacity {step.Capacity}{Combining(step)}] {from}";
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
            foreach (PlannedInput input in step.Inputs)
            {
                string label = PortLabel(step, input);
                yield return label.Length == 0
                    ? $"  {Quote(input.StepId)} -> {Quote(step.Id)};"
                    : $"  {Quote(input.StepId)} -> {Quote(step.Id)} [label={Quote(label.TrimEnd(' ', ':'))}];";
            }
        }

        yield return "}";
    }

    /// <summary><c>a: </c> for an input that feeds a named port of a pair step with two streams, else empty.</summary>
    private static string PortLabel(PlannedStep step, PlannedInput input) =>
        step.Block.Shape == BlockShape.Pair && step.Pairing != Pairing.Window ? step.Block.Ports[input.Port].Name + ": " : string.Empty;

    private static string Combining(PlannedStep step) => step.Block.Shape switch
    {
        BlockShape.Pair => $", pairing {step.Pairing.ToRecipeName()}" + (step.Pairing == Pairing.Window ? $", group {step.Grouping.ToString().ToLowerInvariant()}" : string.Empty),
        BlockShape.Group => $", group {step.Grouping.ToString().ToLowerInvariant()}",
        _ => string.Empty,
    };

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
