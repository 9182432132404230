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
    /// Called by a source as soon as it knows how many items it will yield (a folder once listed, an API after its
    /// first page), for progress and ETA. Optional; sources that cannot know never call it.
    /// </summary>
    public void ReportExpectedItems(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _expectedItems?.Invoke(count);
    }

    /// <summary>The same context, with <see cref="ReportExpectedItems"/> going to <paramref name="expectedItems"/> (one per source).</summary>
    public RunContext ForSource(Action<long> expectedItems)
    {
        ArgumentNullException.ThrowIfNull(expectedItems);
        return new RunContext(Seed, OutputRoot, Resources, Log, InputRoot) { _expectedItems = expectedItems };
    }

    /// <summary>The full path of <paramref name="path"/> under <see cref="OutputRoot"/>.</summary>
    public string Resolve(OutputPath path) => path.Resolve(OutputRoot);
}
