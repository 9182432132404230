namespace SpectroFlow.Core.Blocks;

/// <summary>What every block and source of one run shares: seed, output root, shared resources, log.</summary>
public sealed class RunContext
{
    private Action<long>? _expectedItems;

    /// <summary>Creates the context of one run.</summary>
    public RunContext(ulong seed, string outputRoot, SharedResources resources, Action<string>? log = null, string? inputRoot = null)
    {
        ArgumentNullException.ThrowIfNull(outputRoot);
        ArgumentNullException.ThrowIfNull(resources);
        Seed = seed;
        OutputRoot = outputRoot;
        Resources = resources;
        Log = log ?? (_ => { });
        InputRoot = inputRoot ?? Directory.GetCurrentDirectory();
    }

    /// <summary>Folder that relative input paths are resolved against (the recipe's folder).</summary>
    public string InputRoot { get; }

    /// <summary>The recipe's seed.</summary>
    public ulong Seed { get; }

    /// <summary>Absolute folder under which all outputs go.</summary>
    public string OutputRoot { get; }

    /// <summary>Run-wide shared resources (disposed by the engine at the end of the run).</summary>
    public SharedResources Resources { get; }

    /// <summary>Writes one informational line to the run's log.</summary>
    public Action<string> Log { get; }

    /// <summary>
    /// Where the engine collects what steps leave out (<see cref="LeaveOut(string, string, IReadOnlyList{string}, string)"/>):
    /// the record and the source items it belongs to (none for what a source leaves out before an item exists).
    /// </summary>
    public Action<LeftOutRecord, IReadOnlyList<string>>? LeftOutSink { get; init; }

    /// <summary>The input id when this is a source's context (<see cref="ForSource"/>), else null.</summary>
    public string? SourceId { get; private init; }

    /// <summary>
    /// Records that step <paramref name="step"/> did not pass item <paramref name="itemKey"/> on, for
    /// <paramref name="reason"/> (short and shared by every item left out for it, e.g. <c>near-silent</c>): counted in
    /// the run's report and the dataset README, recorded in the manifest under each of <paramref name="roots"/>.
    /// </summary>
    public void LeaveOut(string step, string itemKey, IReadOnlyList<string> roots, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(step);
        ArgumentException.ThrowIfNullOrEmpty(itemKey);
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        LeftOutSink?.Invoke(new LeftOutRecord(step, itemKey, reason), roots);
    }

    /// <summary>A source leaves out something it will not yield (a track that may not be downloaded), named by <paramref name="key"/>.</summary>
    public void LeaveOut(string key, string reason) => LeaveOut(SourceId ?? "input", key, [], reason);

    /// <summary>
    /// Called by a source as soon as it knows how many items it will yield (a folder once listed, an API after its
    /// first page), for progress and ETA. Optional; sources that cannot know never call it.
    /// </summary>
    public void ReportExpectedItems(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _expectedItems?.Invoke(count);
    }

    /// <summary>
    /// The same context for the source of input <paramref name="inputId"/>, with <see cref="ReportExpectedItems"/> going to
    /// <paramref name="expectedItems"/>.
    /// </summary>
    public RunContext ForSource(Action<long> expectedItems, string? inputId = null)
    {
        ArgumentNullException.ThrowIfNull(expectedItems);
        return new RunContext(Seed, OutputRoot, Resources, Log, InputRoot) { _expectedItems = expectedItems, LeftOutSink = LeftOutSink, SourceId = inputId };
    }

    /// <summary>The full path of <paramref name="path"/> under <see cref="OutputRoot"/>.</summary>
    public string Resolve(OutputPath path) => path.Resolve(OutputRoot);
}
