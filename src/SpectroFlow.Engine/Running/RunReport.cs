using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Running;

/// <summary>The outcome of a run: per-step counts, every error record, kept outputs, cancellation and engine faults.</summary>
public sealed class RunReport
{
    internal RunReport(
        IReadOnlyDictionary<string, StepCounts> steps,
        IReadOnlyList<ErrorRecord> errors,
        IReadOnlyDictionary<string, IReadOnlyList<WorkItem>> outputs,
        long completed,
        bool cancelled,
        IReadOnlyList<Exception> faults,
        TimeSpan elapsed)
    {
        Steps = steps;
        Errors = errors;
        Outputs = outputs;
        Completed = completed;
        Cancelled = cancelled;
        Faults = faults;
        Elapsed = elapsed;
    }

    /// <summary>Counts per step id.</summary>
    public IReadOnlyDictionary<string, StepCounts> Steps { get; }

    /// <summary>Failed items and steps, each with a one-line reason.</summary>
    public IReadOnlyList<ErrorRecord> Errors { get; }

    /// <summary>Items produced by the steps listed in <c>outputs.keep</c>, sorted by key.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WorkItem>> Outputs { get; }

    /// <summary>Items that reached the end of the graph (produced by a step nothing reads from).</summary>
    public long Completed { get; }

    /// <summary>True when the run was cancelled before it finished.</summary>
    public bool Cancelled { get; }

    /// <summary>Engine failures (bugs, not item failures); empty on a healthy run.</summary>
    public IReadOnlyList<Exception> Faults { get; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Source items skipped because the manifest shows them done with unchanged inputs, recipe and outputs.</summary>
    public long Skipped { get; init; }

    /// <summary>Manifest entries dropped because their items are no longer in the inputs (only after a complete run).</summary>
    public long DroppedEntries { get; init; }

    /// <summary>Files deleted by <see cref="RunOptions.Prune"/>, relative to the output root.</summary>
    public IReadOnlyList<string> PrunedFiles { get; init; } = [];

    /// <summary>What steps and sources left out during this run, and why (not errors).</summary>
    public IReadOnlyList<LeftOutRecord> LeftOut { get; init; } = [];

    /// <summary>The manifest written by the run, or null.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>True when nothing failed, nothing was cancelled and the engine did not fault.</summary>
    public bool Succeeded => Errors.Count == 0 && !Cancelled && Faults.Count == 0;
}
