using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Display;
using Spectre.Console;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// Spectre.Console live progress on stderr when it is a terminal: a bar per input (items finished or skipped of those
/// it has, with ETA) and per step (processed of received, with rate). Log lines written during the run go through <see cref="LogSink"/> so
/// they appear above the bars instead of through them.
/// </summary>
internal sealed class LiveProgress
{
    private readonly IAnsiConsole _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public LiveProgress() => LogSink = new ConsoleSink(_console);

    /// <summary>Console log lines, printed above the live display.</summary>
    public ILogEventSink LogSink { get; }

    public async Task<RunReport> RunAsync(RunPlan plan, RunOptions options, RecipeRunner runner, CancellationToken cancellationToken)
    {
        RunReport? report = null;
        await _console.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = new List<(PlannedStep Step, ProgressTask Task)>(plan.Steps.Count);
                foreach (PlannedStep step in plan.Steps)
                {
                    tasks.Add((step, context.AddTask(Markup.Escape(step.Id)).IsIndeterminate()));
                }

                void Update(IReadOnlyDictionary<string, StepCounts> steps, TimeSpan elapsed)
                {
                    foreach ((PlannedStep step, ProgressTask task) in tasks)
                    {
                        StepCounts counts = steps[step.Id];
                        task.Description = Markup.Escape(ProgressText.Describe(step, counts, elapsed));
                        (long done, long? total) = step.Block.Shape != Engine.Registry.BlockShape.Source
                            ? (counts.Succeeded + counts.Failed + counts.Cancelled, counts.Received > 0 ? counts.Received : null)
                            : counts.Finished is { } finished
                                ? (finished + ProgressText.Skipped(counts), counts.Expected)
                                : (counts.Listed, counts.Expected);
                        if (total is { } max)
                        {
                            task.IsIndeterminate = false;
                            task.MaxValue = Math.Max(max, 1);
                            task.Value = Math.Min(done, task.MaxValue);
                        }
                    }
                }

                report = await runner.RunAsync(plan, options with { Progress = Update, ProgressInterval = TimeSpan.FromMilliseconds(250) }, cancellationToken).ConfigureAwait(false);
                Update(report.Steps, report.Elapsed);
                foreach ((_, ProgressTask task) in tasks)
                {
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }).ConfigureAwait(false);
        return report!;
    }

    private sealed class ConsoleSink(IAnsiConsole console) : ILogEventSink
    {
        private readonly MessageTemplateTextFormatter _formatter = new("{Level:w4}: {Message:lj}{NewLine}{Exception}");
        private readonly Lock _lock = new();

        public void Emit(LogEvent logEvent)
        {
            using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            _formatter.Format(logEvent, text);
            lock (_lock)
            {
                console.Write(new Text(text.ToString()));
            }
        }
    }
}
