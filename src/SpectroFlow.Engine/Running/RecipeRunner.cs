using System.Diagnostics;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Engine.Graph;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Runs a validated <see cref="RunPlan"/>: builds the graph, pumps the sources, waits for every step, disposes blocks and
/// shared resources, and returns a <see cref="RunReport"/>. Item failures never stop the run; cancellation stops it
/// promptly with every item accounted for (succeeded, failed or cancelled).
/// </summary>
public sealed class RecipeRunner
{
    private readonly Action<string>? _log;

    /// <summary>Creates a runner; <paramref name="log"/> receives informational lines (blocks may write too).</summary>
    public RecipeRunner(Action<string>? log = null)
    {
        _log = log;
    }

    /// <summary>Runs <paramref name="plan"/> to the end or until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task<RunReport> RunAsync(RunPlan plan, CancellationToken cancellationToken = default) =>
        RunAsync(plan, new RunOptions(), cancellationToken);

    /// <summary>Runs <paramref name="plan"/> with sharding, manifest/resume and progress as <paramref name="options"/> say.</summary>
    public async Task<RunReport> RunAsync(RunPlan plan, RunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Shard is not null && plan.ShardingProblem is { } notShardable)
        {
            throw new SpectroFlowException(notShardable);
        }

        using var tracker = new ManifestTracker(plan, options);
        var stopwatch = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var resources = new SharedResources();
        var run = new RunContext(plan.Seed, plan.OutputRoot, resources, _log, plan.InputRoot) { LeftOutSink = tracker.LeftOut };
        var state = new RunState(plan, run, cts.Token, tracker)
        {
            OnError = options.OnError,
            Listing = PlanShape.CombinesSources(plan) ? new ListingBarrier([.. SourceItems.Inputs(plan).Select(i => i.Id)], tracker) : null,
        };
        var faults = new List<Exception>();

        IReadOnlyList<GraphNode> nodes = GraphBuilder.Build(plan, state);
        using var progressStop = new CancellationTokenSource();
        Task progress = options.Progress is { } report ? ReportProgressAsync(state, report, options.ProgressInterval, stopwatch, progressStop.Token) : Task.CompletedTask;
        try
        {
            AtomicFile.DeleteAbandonedTemporaries(plan.OutputRoot);
            tracker.Begin(plan, run);
            GraphBuilder.Start(nodes);

            // An engine fault in one step cancels the run so the other steps drain promptly.
            foreach (GraphNode node in nodes)
            {
                _ = node.Completion.ContinueWith(
                    static (_, source) => ((CancellationTokenSource)source!).Cancel(),
                    cts,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            foreach (GraphNode node in nodes)
            {
                try
                {
                    await node.Completion.ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cts.IsCancellationRequested)
                {
                }
#pragma warning disable CA1031 // engine faults are reported in the run report
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    faults.Add(new InvalidOperationException($"step '{node.Step.Id}' faulted: {ex.Message}", ex));
                }
            }
        }
        catch
        {
            await DisposeBlocksAsync(nodes).ConfigureAwait(false);
            throw;
        }
        finally
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await progress.ConfigureAwait(false);
        }

        try
        {
            bool stopped = cancellationToken.IsCancellationRequested || faults.Count > 0;
            tracker.WriteManifest(plan, [.. state.Errors], stopped);
            if (!stopped)
            {
                await FinishAsync(nodes, tracker.Outcome(), faults, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await DisposeBlocksAsync(nodes).ConfigureAwait(false);
        }
        return new RunReport(
            state.Counters.ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal),
            [.. state.Errors],
            state.KeptOutputs(),
            state.Completed,
            cancellationToken.IsCancellationRequested,
            faults,
            stopwatch.Elapsed)
        {
            Skipped = tracker.Skipped,
            DroppedEntries = tracker.DroppedEntries,
            PrunedFiles = tracker.PrunedFiles,
            ManifestPath = options.Manifest ? tracker.Path : null,
            LeftOut = tracker.LeftOutThisRun,
        };
    }

    /// <summary>Lets every <see cref="IFinishingBlock"/> finish, in step order; a failure is a fault naming the step.</summary>
    private static async Task FinishAsync(IReadOnlyList<GraphNode> nodes, RunOutcome outcome, List<Exception> faults, CancellationToken cancellationToken)
    {
        foreach (GraphNode node in nodes)
        {
            if (node.Block is not IFinishingBlock finishing)
            {
                continue;
            }

            try
            {
                await finishing.FinishAsync(outcome, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // a step that cannot finish is reported in the run report; the items stay written
            catch (Exception ex)
#pragma warning restore CA1031
            {
                faults.Add(new InvalidOperationException($"step '{node.Step.Id}' could not finish: {ex.Message}", ex));
            }
        }
    }

    private static async ValueTask DisposeBlocksAsync(IReadOnlyList<GraphNode> nodes)
    {
        foreach (GraphNode node in nodes)
        {
            await DisposeBlockAsync(node.Block).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Lists the inputs of <paramref name="plan"/> as a run would (same keys, shard and resume decisions, per group when
    /// the plan combines source items) without running a step or writing anything: only the input blocks are created, and input files are read only to hash them when
    /// the manifest has an entry to compare with.
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <param name="options">Shard, manifest and resume settings, as for <see cref="RunAsync(RunPlan, RunOptions, CancellationToken)"/>.</param>
    /// <param name="sampleSize">How many keys of items to run to list per input.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public async Task<RunPreview> PreviewAsync(RunPlan plan, RunOptions options, int sampleSize = 5, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Shard is not null && plan.ShardingProblem is { } notShardable)
        {
            throw new SpectroFlowException(notShardable);
        }

        using var tracker = new ManifestTracker(plan, options);
        await using var resources = new SharedResources();
        var run = new RunContext(plan.Seed, plan.OutputRoot, resources, _log, plan.InputRoot);
        bool prefixKeys = SourceItems.PrefixesKeys(plan);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var inputs = new List<InputPreview>();
        // Plans that combine source items decide per group, so every input is listed before any decision.
        var listed = new List<(PlannedStep Input, List<WorkItem> Items, string? Error)>();
        foreach (PlannedStep input in SourceItems.Inputs(plan))
        {
            var items = new List<WorkItem>();
            string? error = null;
            object? block = null;
            try
            {
                block = input.Block.Create(input.Options, new BlockServices(input.Id, run));
                await foreach (WorkItem item in SourceItems.ReadAsync(input, block, run, prefixKeys, cancellationToken).ConfigureAwait(false))
                {
                    items.Add(item);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // an input that cannot be listed is reported in the preview, as a run reports it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                error = RunState.OneLine(ex);
            }
            finally
            {
                await DisposeBlockAsync(block).ConfigureAwait(false);
            }

            listed.Add((input, items, error));
        }

        if (PlanShape.CombinesSources(plan))
        {
            tracker.Plan([.. listed.SelectMany(l => l.Items)]);
        }

        foreach ((PlannedStep input, List<WorkItem> items, string? error) in listed)
        {
            long inShard = 0, upToDate = 0;
            var firstToRun = new List<string>();
            foreach (WorkItem item in items)
            {
                ManifestTracker.Decision decision = tracker.Decide(item).Decision;
                if (decision == ManifestTracker.Decision.OtherShard)
                {
                    continue;
                }

                inShard++;
                present.Add(item.Key);
                if (decision == ManifestTracker.Decision.Skip)
                {
                    upToDate++;
                }
                else if (firstToRun.Count < sampleSize)
                {
                    firstToRun.Add(item.Key);
                }
            }

            inputs.Add(new InputPreview(input.Id, items.Count, inShard, upToDate, inShard - upToDate, firstToRun, error));
        }

        long? stale = options.Manifest && inputs.All(i => i.Error is null) ? tracker.EntriesNotIn(present).LongCount() : null;
        return new RunPreview(inputs, stale, options.Manifest ? tracker.Path : null);
    }

    private static async ValueTask DisposeBlockAsync(object? block)
    {
        switch (block)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static async Task ReportProgressAsync(RunState state, Action<IReadOnlyDictionary<string, StepCounts>, TimeSpan> report, TimeSpan interval, Stopwatch stopwatch, CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                report(state.Counters.ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal), stopwatch.Elapsed);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
