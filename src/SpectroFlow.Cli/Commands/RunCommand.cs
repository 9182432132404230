using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using SpectroFlow.Cli.Reporting;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Reporting;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>run RECIPE [--set k=v]... [--output DIR] [--shard i/N] [--fail-fast] [--dry-run] [--no-resume] [--prune]</c>: runs
/// a recipe with a manifest (resume) in the output root. Exit 0 all items ok, 1 any failed (or, with --dry-run, an input
/// could not be listed), 2 recipe/usage error, 130 cancelled.
/// </summary>
internal static class RunCommand
{
    private const string SummaryProperty = "Summary";

    /// <summary>Marks an item error in the log: the JSON log has each as it happens, the console only in the summary.</summary>
    private const string ItemErrorProperty = "ItemError";

    public static Command Create(CliContext context)
    {
        var recipe = new RecipeArguments();
        var shard = new Option<string?>("--shard") { Description = "Run shard i of N (0-based, e.g. 2/8); default from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID" };
        var shardCount = new Option<int?>("--shard-count") { Description = "Shard count for JOB_COMPLETION_INDEX / SLURM_ARRAY_TASK_ID" };
        var failFast = new Option<bool>("--fail-fast") { Description = "Stop at the first failed item (exit 1)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Validate, show the plan and list the inputs: items per input, in this shard, up to date, to run; writes nothing" };
        var noResume = new Option<bool>("--no-resume") { Description = "Ignore the manifest: redo every item and rewrite the manifest from scratch" };
        var prune = new Option<bool>("--prune") { Description = "Delete the output files the manifest recorded for items no longer in the inputs (unchanged files only)" };
        var report = new Option<bool>("--report") { Description = "Also write report.html in the output root (as the recipe key report: true does)" };
        var command = new Command("run", "Run a recipe (resumes from the output root's manifest)") { shard, shardCount, failFast, dryRun, noResume, prune, report };
        recipe.AddTo(command);
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            RunPlan plan = recipe.Load(result, context.CreateRegistry());
            ShardSpec? spec = result.GetValue(shard) is { Length: > 0 } text
                ? ShardSpec.Parse(text)
                : ShardSpec.FromEnvironment(Environment.GetEnvironmentVariable, result.GetValue(shardCount));
            if (result.GetValue(shardCount) is { } count && (result.GetValue(shard) is { Length: > 0 } || spec is null))
            {
                // Without an index the count would be silently ignored and this process would run every item.
                throw new UsageException(spec is null
                    ? $"--shard-count {count} needs the shard index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and neither is set; use --shard i/{count} to choose one"
                    : "--shard-count is the count for an index from the environment; with --shard i/N the count is N");
            }

            if (spec is not null && plan.ShardingProblem is { } notShardable)
            {
                throw new UsageException(notShardable);
            }

            var options = new RunOptions
            {
                Shard = spec,
                Manifest = true,
                Resume = !result.GetValue(noResume),
                Prune = result.GetValue(prune),
                ToolVersion = ToolVersion,
            };
            return result.GetValue(dryRun)
                ? await DryRunAsync(context, plan, options, cancellationToken).ConfigureAwait(false)
                : await RunAsync(context, plan, options, result.GetValue(failFast), result.GetValue(report) || plan.Report, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Prints the plan and what a run would do per input (listing only: nothing is decoded or written).</summary>
    private static async Task<int> DryRunAsync(CliContext context, RunPlan plan, RunOptions options, CancellationToken cancellationToken)
    {
        foreach (string line in GraphCommand.Text(plan))
        {
            context.Out.WriteLine(line);
        }

        string shard = options.Shard?.ToString() ?? "all";
        context.Out.WriteLine($"dry run: output {plan.OutputRoot}, shard {shard}, manifest {RunManifest.FileName(options.Shard)}{(options.Resume ? string.Empty : " (ignored: --no-resume)")}");
        RunPreview preview = await new RecipeRunner().PreviewAsync(plan, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (InputPreview input in preview.Inputs)
        {
            if (input.Error is not null)
            {
                context.Out.WriteLine($"input {input.Input}: cannot list: {input.Error}");
                continue;
            }

            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"input {input.Input}: {Words.Count(input.Items, "item")}, {input.InShard} in shard {shard}, {input.UpToDate} up to date (skipped), {input.ToRun} to run"));
            if (input.FirstToRun.Count > 0)
            {
                string more = input.ToRun > input.FirstToRun.Count ? ", …" : string.Empty;
                context.Out.WriteLine($"  would run: {string.Join(", ", input.FirstToRun)}{more}");
            }
        }

        if (preview.StaleEntries is > 0 and long stale)
        {
            context.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"manifest: {Words.Count(stale, "entry", "entries")} of items no longer in the inputs (a run drops them{(options.Prune ? " and --prune deletes their files" : string.Empty)})"));
        }

        return preview.Inputs.Any(i => i.Error is not null) ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static async Task<int> RunAsync(CliContext context, RunPlan plan, RunOptions baseOptions, bool failFast, bool writeReport, CancellationToken cancellationToken)
    {
        ShardSpec? shard = baseOptions.Shard;
        Directory.CreateDirectory(plan.OutputRoot);
        string logFile = Path.Combine(plan.OutputRoot, shard is null ? "run.log.jsonl" : $"run.shard-{shard.Index}-of-{shard.Count}.log.jsonl");
        LiveProgress? live = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected ? new LiveProgress() : null;

        // The summary (with every item error) is printed on stdout; the console log would say them twice.
        using Serilog.Core.Logger log = new LoggerConfiguration()
            .MinimumLevel.Debug()
            .WriteTo.Logger(console => (live is null ? console.WriteTo.Logger(context.Logger) : console.WriteTo.Sink(live.LogSink))
                .Filter.ByExcluding(e => e.Properties.ContainsKey(SummaryProperty) || e.Properties.ContainsKey(ItemErrorProperty)))
            .WriteTo.File(new CompactJsonFormatter(), logFile)
            .CreateLogger();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int stoppedByFailure = 0;
        var printer = new ProgressText.Printer(context.Error, plan);
        RunOptions options = baseOptions with
        {
            Progress = printer.Print,
            OnError = record =>
            {
                log.ForContext("Step", record.Step).ForContext("Key", record.Key).Warning("{" + ItemErrorProperty + "}", record.ToString());
                if (failFast && Interlocked.Exchange(ref stoppedByFailure, 1) == 0)
                {
                    stop.Cancel();
                }
            },
        };

        foreach (string warning in RecipeChecks.Warnings(plan))
        {
            log.Warning("{Warning}", warning);
        }

        log.Information("run {Recipe} -> {Output} (shard {Shard}, seed {Seed}, resume {Resume})", plan.File, plan.OutputRoot, shard?.ToString() ?? "all", plan.Seed, options.Resume);
        var runner = new RecipeRunner(line =>
        {
            bool warning = line.StartsWith("warning: ", StringComparison.Ordinal);
            log.Write(warning ? LogEventLevel.Warning : LogEventLevel.Information, "{Line}", warning ? line["warning: ".Length..] : line);
        });
        RunReport report = live is not null
            ? await live.RunAsync(plan, options, runner, stop.Token).ConfigureAwait(false)
            : await runner.RunAsync(plan, options, stop.Token).ConfigureAwait(false);

        foreach (PlannedStep step in plan.Steps)
        {
            StepCounts counts = report.Steps[step.Id];
            context.Out.WriteLine($"{step.Id}: {counts.Succeeded} done, {counts.Failed} failed, {counts.Cancelled} cancelled");
        }

        foreach (ErrorRecord error in report.Errors)
        {
            context.Out.WriteLine(error.ToString());
        }

        foreach (Exception fault in report.Faults)
        {
            context.Out.WriteLine($"engine fault: {fault.Message}");
        }

        // Left out is not an error: one line per step and reason, with a count, so a nightly log shows what was filtered.
        foreach (IGrouping<(string Step, string Reason), LeftOutRecord> leftOut in report.LeftOut.GroupBy(r => (r.Step, r.Reason)).OrderBy(g => g.Key.Step, StringComparer.Ordinal).ThenBy(g => g.Key.Reason, StringComparer.Ordinal))
        {
            context.Out.WriteLine($"{leftOut.Key.Step}: left out {leftOut.Count()} ({leftOut.Key.Reason})");
        }

        foreach (string pruned in report.PrunedFiles)
        {
            log.Information("pruned {File}", pruned);
        }

        string cleanup = report.DroppedEntries == 0 && report.PrunedFiles.Count == 0
            ? string.Empty
            : $", {Words.Count(report.DroppedEntries, "entry", "entries")} of removed items dropped, {Words.Count(report.PrunedFiles.Count, "file")} pruned";

        // Files, not items at the end of the graph: a recipe without a writer ends in items but writes nothing.
        long written = plan.Steps.Where(RecipeChecks.WritesFiles).Sum(s => report.Steps[s.Id].Succeeded);
        string summary = string.Create(
            CultureInfo.InvariantCulture,
            $"{Words.Count(written, "file")} written, {Words.Count(report.Skipped, "item")} skipped (already done), {Words.Count(report.Errors.Count, "error")} in {report.Elapsed.TotalSeconds:F1} s; manifest {report.ManifestPath}{cleanup}");
        context.Out.WriteLine(summary);
        log.Information("{" + SummaryProperty + "}", summary);
        if (writeReport && shard is not null)
        {
            // Shards share the output root: one report per shard would overwrite the others' report_files.
            context.Out.WriteLine("report: not written by a shard; merge the manifests, then: spectroflow report OUTDIR --manifest MERGED");
        }
        else if (writeReport && !report.Cancelled && report.ManifestPath is { } manifest)
        {
            string html = ReportWriter.Write(ListeningReport.Read(plan.OutputRoot, manifest, report.Skipped));
            context.Out.WriteLine($"report: {html}");
            log.Information("report {Report}", html);
        }

        if (stoppedByFailure == 1)
        {
            context.Error.WriteLine("stopped at the first failure (--fail-fast)");
            return ExitCodes.Failure;
        }

        if (report.Cancelled)
        {
            context.Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }

        return report.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string ToolVersion =>
        typeof(RunCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
