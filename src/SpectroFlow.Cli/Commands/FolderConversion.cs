using System.Globalization;
using System.Text;
using System.Text.Json;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// A single-file command given a folder: a one-input recipe built in memory and run by the engine, as <c>run</c> would
/// (same blocks, so each file gives the bytes the single-file command gives), without a manifest or log. A file that
/// fails is one line on stderr and the others go on; exit 1 when any failed.
/// </summary>
internal static class FolderConversion
{
    /// <summary>Converts every file of <paramref name="inputFolder"/> matching <paramref name="globs"/> with <paramref name="steps"/>.</summary>
    /// <param name="context">Output writers and the registry.</param>
    /// <param name="command">The command, for messages.</param>
    /// <param name="inputFolder">The folder to read (recursively).</param>
    /// <param name="outputFolder">The folder to write into (created inside an existing folder).</param>
    /// <param name="globs">Files to take.</param>
    /// <param name="steps">The recipe steps: YAML list items, each a mapping of option names to scalar values.</param>
    /// <param name="seed">The recipe seed (each file's seed derives from it and the file's path).</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<int> RunAsync(
        CliContext context,
        string command,
        string inputFolder,
        string outputFolder,
        IReadOnlyList<string> globs,
        IReadOnlyList<IReadOnlyList<(string Key, object Value)>> steps,
        ulong seed,
        CancellationToken cancellationToken)
    {
        OutputTarget.Folder(outputFolder);
        string yaml = Recipe(Path.GetFullPath(inputFolder), Path.GetFullPath(outputFolder), globs, steps, seed);
        RunPlan plan;
        try
        {
            plan = new RecipeLoader(context.CreateRegistry()).LoadText(yaml, command, Directory.GetCurrentDirectory());
        }
        catch (RecipeException e)
        {
            // The recipe is generated from the command line, so its problems are the command line's (e.g. --format).
            throw new UsageException(string.Join("; ", e.Errors.Select(p => p.Message)), e);
        }

        Directory.CreateDirectory(outputFolder);
        RunReport report = await new RecipeRunner().RunAsync(plan, new RunOptions { Manifest = false }, cancellationToken).ConfigureAwait(false);
        foreach (ErrorRecord error in report.Errors)
        {
            context.Error.WriteLine(error.Key is { } key ? $"error: {Path.Combine(inputFolder, key)}: {error.Reason}" : $"error: {error.Reason}");
        }

        foreach (Exception fault in report.Faults)
        {
            context.Error.WriteLine($"error: {fault.Message}");
        }

        long written = plan.Steps.Where(RecipeChecks.WritesFiles).Sum(s => report.Steps[s.Id].Succeeded);
        long files = report.Steps[plan.Steps[0].Id].Produced;
        context.Out.WriteLine($"{outputFolder}: {Words.Count(written, "file")} written from {Words.Count(files, "input file")}, {Words.Count(report.Errors.Count, "error")}");
        if (report.Cancelled)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }

        return report.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string Recipe(string inputFolder, string outputFolder, IReadOnlyList<string> globs, IReadOnlyList<IReadOnlyList<(string Key, object Value)>> steps, ulong seed)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"seed: {seed}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"inputs:\n  - id: files\n    folder: {Quote(inputFolder)}\n    glob: [{string.Join(", ", globs.Select(Quote))}]\n");
        yaml.Append("steps:\n");
        for (int i = 0; i < steps.Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: step{i}\n");
            foreach ((string key, object value) in steps[i])
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    {key}: {Scalar(value)}\n");
            }
        }

        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {Quote(outputFolder)}\n");
        return yaml.ToString();
    }

    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => Quote(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? string.Empty),
    };

    /// <summary>A YAML double-quoted scalar (JSON string syntax is valid YAML) with <c>${</c> kept literal.</summary>
    private static string Quote(string text) => JsonSerializer.Serialize(text.Replace("${", "$${", StringComparison.Ordinal));
}
