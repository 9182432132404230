using System.CommandLine;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>merge-manifests OUT IN...</c>: joins shard manifests (headers must agree; duplicate keys are rejected).</summary>
internal static class MergeManifestsCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Argument<string>("output") { Description = "Merged manifest to write" };
        var inputs = new Argument<string[]>("inputs") { Description = "Shard manifests", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge-manifests", "Join the manifests of shard runs into one") { output, inputs };
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            int count = RunManifest.Merge(result.GetRequiredValue(output), result.GetRequiredValue(inputs));
            context.Out.WriteLine($"{result.GetRequiredValue(output)}: {Words.Count(count, "item")}");
        }));
        return command;
    }
}
