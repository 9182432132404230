using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>Commands whose plan is more than one input and a chain of steps (join, crossfade, blend, concat, loop).</summary>
internal static partial class EngineConversion
{
    /// <summary>
    /// Loads <paramref name="yaml"/> (a whole recipe the command wrote, with <see cref="Quote"/>d paths) and runs it
    /// without a manifest or log: warnings and errors go to the console as for the single-file commands.
    /// </summary>
    /// <param name="context">Output writers and the registry.</param>
    /// <param name="command">The command, for messages (a problem in the generated recipe is a usage error).</param>
    /// <param name="yaml">The recipe text.</param>
    /// <param name="inputPath">Maps an item key to the input path it came from, for error lines.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The exit code, the plan and the run's report (outputs of the steps named in <c>outputs.keep</c>).</returns>
    public static async Task<(int ExitCode, RunPlan Plan, RunReport Report)> RunRecipeAsync(
        CliContext context,
        string command,
        string yaml,
        Func<string, string> inputPath,
        CancellationToken cancellationToken)
    {
        RunPlan plan = Load(context, command, yaml);
        RunReport report = await Runner(context, inputPath).RunAsync(plan, new RunOptions { Manifest = false }, cancellationToken).ConfigureAwait(false);
        // A command builds every input itself, so a pair without a partner only follows the partner's own failure,
        // which is already one line: the file and why it failed.
        bool otherErrors = report.Errors.Any(e => !IsMissingPartner(e));
        WriteErrors(context, report, inputPath, pathOnce: false, shown: e => !otherErrors || !IsMissingPartner(e));
        return (ExitCode(context, report), plan, report);
    }

    private static bool IsMissingPartner(ErrorRecord error) => error.Reason.StartsWith("no partner at ", StringComparison.Ordinal);
}
