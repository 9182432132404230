using System.Collections.Concurrent;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>Shared, thread-safe bookkeeping of one run: counters, error records, kept outputs.</summary>
internal sealed class RunState
{
    private readonly ConcurrentQueue<ErrorRecord> _errors = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<WorkItem>> _kept = new(StringComparer.Ordinal);
    private long _completed;

    public RunState(RunPlan plan, RunContext run, CancellationToken token, ManifestTracker? tracker = null)
    {
        Plan = plan;
        Run = run;
        Tracker = tracker ?? new ManifestTracker(plan, new RunOptions());
        Token = token;
        Counters = plan.Steps.ToDictionary(s => s.Id, _ => new StepCounter(), StringComparer.Ordinal);
        PrefixesKeys = Graph.SourceItems.PrefixesKeys(plan);
    }

    public RunPlan Plan { get; }

    /// <summary>Follows each source item through the graph (set when the graph is built).</summary>
    public RootTracker Roots { get; set; } = new(0, []);

    /// <summary>The pair and group steps (set when the graph is built).</summary>
    public IReadOnlyList<Graph.JoinNode> Joins { get; set; } = [];

    /// <summary>When set, every input is listed before anything runs and resume is decided per group.</summary>
    public ListingBarrier? Listing { get; init; }

    /// <summary>Tells the steps that restore natural order that input <paramref name="input"/> admitted <paramref name="root"/>.</summary>
    public async ValueTask AnnounceAsync(int input, string root)
    {
        foreach (Graph.JoinNode join in Joins)
        {
            if (join.Sequences(input))
            {
                await join.AnnounceAsync(input, root).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Tells the steps that restore natural order that input <paramref name="input"/> admitted all it will.</summary>
    public async ValueTask InputListedAsync(int input)
    {
        foreach (Graph.JoinNode join in Joins)
        {
            if (join.Sequences(input))
            {
                await join.InputListedAsync(input).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A source item and everything made from it is done: its manifest line can be written.</summary>
    public ValueTask RootFinishedAsync(string root)
    {
        Tracker.Finished(root, Token);
        return ValueTask.CompletedTask;
    }

    /// <summary>True when source item keys are prefixed with their input id (the plan has several inputs).</summary>
    public bool PrefixesKeys { get; }

    public RunContext Run { get; }

    public ManifestTracker Tracker { get; }

    public CancellationToken Token { get; }

    public Dictionary<string, StepCounter> Counters { get; }

    public IReadOnlyCollection<ErrorRecord> Errors => _errors;

    public long Completed => Interlocked.Read(ref _completed);

    public Action<ErrorRecord>? OnError { get; init; }

    public void Fail(string step, WorkItem? item, string reason)
    {
        var record = new ErrorRecord(step, item?.ToString(), item?.Key, reason);
        _errors.Enqueue(record);
        Tracker.Error(item, record);
        OnError?.Invoke(record);
    }

    public void Keep(string step, WorkItem item) => _kept.GetOrAdd(step, _ => new()).Enqueue(item);

    public void Complete() => Interlocked.Increment(ref _completed);

    public IReadOnlyDictionary<string, IReadOnlyList<WorkItem>> KeptOutputs() =>
        _kept.ToDictionary(p => p.Key, p => (IReadOnlyList<WorkItem>)[.. p.Value.OrderBy(i => i.Key, StringComparer.Ordinal)], StringComparer.Ordinal);

    /// <summary>One line for an item failure: the message of a SpectroFlow error, else the type and first message line.</summary>
    public static string OneLine(Exception ex)
    {
        string message = ex.Message.ReplaceLineEndings(" ").Trim();
        return ex is SpectroFlowException ? message : ErrorText.OneLine(ex, message);
    }
}
