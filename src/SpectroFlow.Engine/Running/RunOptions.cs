namespace SpectroFlow.Engine.Running;

/// <summary>How to run a plan: sharding, manifest and resume, live progress.</summary>
public sealed record RunOptions
{
    /// <summary>Only source items of this shard are processed (null: all).</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>Writes <c>manifest.jsonl</c> (or <c>manifest.shard-I-of-N.jsonl</c>) in the output root and resumes from it.</summary>
    public bool Manifest { get; init; }

    /// <summary>
    /// Skips items the manifest shows done and unchanged (default). False (<c>--no-resume</c>): every item is redone and
    /// the manifest is rewritten from scratch.
    /// </summary>
    public bool Resume { get; init; } = true;

    /// <summary>
    /// At the end of a complete run, deletes the output files the manifest recorded for items that are no longer in the
    /// inputs (only files under the output root whose SHA-256 still matches the record).
    /// </summary>
    public bool Prune { get; init; }

    /// <summary>Tool version recorded in the manifest header.</summary>
    public string ToolVersion { get; init; } = "unknown";

    /// <summary>Called for every error record as it happens (e.g. to stop the run on the first failure).</summary>
    public Action<ErrorRecord>? OnError { get; init; }

    /// <summary>Called about every <see cref="ProgressInterval"/> with the counts so far (from a timer thread).</summary>
    public Action<IReadOnlyDictionary<string, StepCounts>, TimeSpan>? Progress { get; init; }

    /// <summary>How often <see cref="Progress"/> is called (default 2 s).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);
}
