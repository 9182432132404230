using System.Globalization;
using Spectre.Console;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>Spectre.Console live progress on stderr (one line per step) when stderr is a terminal.</summary>
internal static class LiveProgress
{
    public static async Task<RunReport> RunAsync(RunPlan plan, RunOptions options, RecipeRunner runner, CancellationToken cancellationToken)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        RunReport? report = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                Dictionary<string, ProgressTask> tasks = plan.Steps.ToDictionary(s => s.Id, s => context.AddTask(Markup.Escape(s.Id)).IsIndeterminate(), StringComparer.Ordinal);
                void Update(IReadOnlyDictionary<string, StepCounts> steps, TimeSpan elapsed)
                {
                    double seconds = Math.Max(elapsed.TotalSeconds, 0.001);
                    foreach ((string id, ProgressTask task) in tasks)
                    {
                        StepCounts c = steps[id];
                        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{id}: {c.Succeeded} done, {c.Failed} failed, {c.Succeeded / seconds:F1}/s"));
                    }
                }

                report = await runner.RunAsync(plan, options with { Progress = Update, ProgressInterval = TimeSpan.FromMilliseconds(250) }, cancellationToken).ConfigureAwait(false);
                Update(report.Steps, report.Elapsed);
                foreach (ProgressTask task in tasks.Values)
                {
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }).ConfigureAwait(false);
        return report!;
    }
}
