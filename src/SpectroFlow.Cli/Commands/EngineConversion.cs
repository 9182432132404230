using System.Globalization;
using System.Text;
using System.Text.Json;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// The one composition path of the single-file commands: a one-input recipe built in memory (a <c>folder</c> input for
/// a folder, a <c>file</c> input for one file) and run by the engine, as <c>run</c> would (same blocks, so a command
/// gives the bytes a recipe gives), without a manifest or log. A file that fails is one line on stderr and the others go
/// on; exit 1 when any failed.
/// </summary>
internal static partial class EngineConversion
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
    public static async Task<int> RunFolderAsync(
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
        string input = $"    folder: {Quote(Path.GetFullPath(inputFolder))}\n    glob: [{string.Join(", ", globs.Select(Quote))}]\n";
        RunPlan plan = Load(context, command, Recipe(input, Path.GetFullPath(outputFolder), steps, seed, keep: null));
        Directory.CreateDirectory(outputFolder);
        RunReport report = await Runner(context, key => Path.Combine(inputFolder, key)).RunAsync(plan, new RunOptions { Manifest = false }, cancellationToken).ConfigureAwait(false);
        WriteErrors(context, report, key => Path.Combine(inputFolder, key), pathOnce: false);
        long written = plan.Steps.Where(RecipeChecks.WritesFiles).Sum(s => report.Steps[s.Id].Succeeded);
        long files = report.Steps[plan.Steps[0].Id].Produced;
        context.Out.WriteLine($"{outputFolder}: {Words.Count(written, "file")} written from {Words.Count(files, "input file")}, {Words.Count(report.Errors.Count, "error")}");
        return ExitCode(context, report);
    }

    /// <summary>
    /// Converts <paramref name="inputFile"/> with <paramref name="steps"/>, writing under <paramref name="outputRoot"/>
    /// and hands the items of step <paramref name="keep"/> to <paramref name="succeeded"/> when
    /// the run succeeded (for the command's summary line).
    /// </summary>
    /// <param name="context">Output writers and the registry.</param>
    /// <param name="command">The command, for messages.</param>
    /// <param name="inputFile">The file to convert.</param>
    /// <param name="outputRoot">The output root of the writer step.</param>
    /// <param name="createRoot">Create <paramref name="outputRoot"/> (a folder of clips) once the input is found.</param>
    /// <param name="steps">The recipe steps: YAML list items, each a mapping of option names to scalar values.</param>
    /// <param name="keep">Index of the step whose items <paramref name="succeeded"/> gets.</param>
    /// <param name="succeeded">Called with the kept items after a run without errors.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task<int> RunFileAsync(
        CliContext context,
        string command,
        string inputFile,
        string outputRoot,
        bool createRoot,
        IReadOnlyList<IReadOnlyList<(string Key, object Value)>> steps,
        int keep,
        Action<IReadOnlyList<WorkItem>> succeeded,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(inputFile))
        {
            // Checked here, not by the recipe loader, so a missing input is a failed conversion (1), not a usage error.
            throw new SpectroFlowException($"{inputFile}: file not found");
        }

        string input = $"    use: file\n    path: {Quote(Path.GetFullPath(inputFile))}\n";
        RunPlan plan = Load(context, command, Recipe(input, Path.GetFullPath(outputRoot), steps, seed: 0, keep: StepId(keep)));
        if (createRoot)
        {
            Directory.CreateDirectory(outputRoot);
        }

        RunReport report = await Runner(context, _ => inputFile).RunAsync(plan, new RunOptions { Manifest = false }, cancellationToken).ConfigureAwait(false);
        WriteErrors(context, report, _ => inputFile, pathOnce: true);
        if (report.Succeeded)
        {
            succeeded(report.Outputs[StepId(keep)]);
        }

        return ExitCode(context, report);
    }

    /// <summary>
    /// Moves the file a writer wrote as <paramref name="written"/> to <paramref name="wanted"/> when they differ only in
    /// the extension's case (writers add lower-case extensions; <c>OUT.PNG</c> must still be written as named).
    /// </summary>
    public static void MatchExtensionCase(string written, string wanted)
    {
        if (!string.Equals(Path.GetFullPath(written), Path.GetFullPath(wanted), StringComparison.Ordinal))
        {
            File.Move(written, wanted, overwrite: true);
        }
    }

    /// <summary>A name template that expands to <paramref name="name"/> as written (its braces doubled).</summary>
    public static string Literal(string name) =>
        name.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    private static RunPlan Load(CliContext context, string command, string yaml)
    {
        try
        {
            return new RecipeLoader(context.CreateRegistry()).LoadText(yaml, command, Directory.GetCurrentDirectory());
        }
        catch (RecipeException e)
        {
            // The recipe is generated from the command line, so its problems are the command line's (e.g. --format).
            throw new UsageException(string.Join("; ", e.Errors.Select(p => p.Message)), e);
        }
    }

    /// <summary>
    /// A runner that passes the blocks' warnings (<c>warning: STEP: KEY: problem</c>, e.g. damaged audio skipped) to the
    /// console as <c>PATH: problem</c>, as the commands always said them; the run's progress lines are dropped.
    /// </summary>
    private static RecipeRunner Runner(CliContext context, Func<string, string> inputPath) => new(line =>
    {
        const string Prefix = "warning: ";
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }

        string[] parts = line[Prefix.Length..].Split(": ", 3);
        if (parts.Length == 3 && parts[0].StartsWith("step", StringComparison.Ordinal))
        {
            context.Logger.Warning("{File}: {Problem}", inputPath(parts[1]), parts[2]);
        }
        else
        {
            context.Logger.Warning("{Warning}", line[Prefix.Length..]);
        }
    });

    private static void WriteErrors(CliContext context, RunReport report, Func<string, string> inputPath, bool pathOnce, Func<ErrorRecord, bool>? shown = null)
    {
        foreach (ErrorRecord error in report.Errors)
        {
            if (shown is not null && !shown(error))
            {
                continue;
            }

            if (error.Key is not { } key)
            {
                context.Error.WriteLine($"error: {error.Reason}");
                continue;
            }

            // Decoders name the file in their messages; for one file, the path once is enough (a folder's line always
            // starts with the file, so its lines line up).
            string path = inputPath(key);
            context.Error.WriteLine(pathOnce && error.Reason.Contains(path, StringComparison.Ordinal) ? $"error: {error.Reason}" : $"error: {path}: {error.Reason}");
        }

        foreach (Exception fault in report.Faults)
        {
            context.Error.WriteLine($"error: {fault.Message}");
        }
    }

    private static int ExitCode(CliContext context, RunReport report)
    {
        if (report.Cancelled)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }

        return report.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>The id the generated recipes give step <paramref name="index"/> (<c>step0</c>, <c>step1</c>…).</summary>
    public static string StepId(int index) => string.Create(CultureInfo.InvariantCulture, $"step{index}");

    private static string Recipe(string input, string outputRoot, IReadOnlyList<IReadOnlyList<(string Key, object Value)>> steps, ulong seed, string? keep)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"seed: {seed}\n");
        yaml.Append("inputs:\n  - id: files\n").Append(input);
        yaml.Append("steps:\n");
        for (int i = 0; i < steps.Count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: {StepId(i)}\n");
            foreach ((string key, object value) in steps[i])
            {
                yaml.Append(CultureInfo.InvariantCulture, $"    {key}: {Scalar(value)}\n");
            }
        }

        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {Quote(outputRoot)}\n");
        if (keep is not null)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  keep: [{keep}]\n");
        }

        return yaml.ToString();
    }

    /// <summary>A YAML scalar for an option value (invariant culture; strings quoted).</summary>
    public static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => Quote(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? string.Empty),
    };

    /// <summary>A YAML double-quoted scalar (JSON string syntax is valid YAML) with <c>${</c> kept literal.</summary>
    public static string Quote(string text) => JsonSerializer.Serialize(text.Replace("${", "$${", StringComparison.Ordinal));
}
