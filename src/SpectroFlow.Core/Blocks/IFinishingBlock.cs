namespace SpectroFlow.Core.Blocks;

/// <summary>
/// A block with work to do once a run has finished every item: a dataset writer writes its index files (captions,
/// credits, README) from every item the output root holds, those this run made and those a resumed run skipped.
/// The engine calls <see cref="FinishAsync"/> once, after the manifest is written, only when the run was neither
/// cancelled nor faulted; a shard run calls it too (<see cref="RunOutcome.Shard"/> says which shard).
/// </summary>
public interface IFinishingBlock
{
    /// <summary>Finishes the run; a failure is reported as a run fault naming the step (the items stay as written).</summary>
    Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken);
}

/// <summary>What a run ended with, for <see cref="IFinishingBlock"/>s.</summary>
/// <param name="Items">Every source item the manifest records after this run (made now or reused), ordered by key.</param>
/// <param name="LeftOut">What sources left out before an item existed (a track that may not be downloaded).</param>
/// <param name="Complete">Every input was listed to its end: <paramref name="Items"/> is the whole set, not part of it.</param>
/// <param name="Shard">The shard (<c>i/N</c>) when the run was one, else null.</param>
public sealed record RunOutcome(IReadOnlyList<FinishedItem> Items, IReadOnlyList<LeftOutRecord> LeftOut, bool Complete, string? Shard);

/// <summary>One source item at the end of a run.</summary>
/// <param name="Key">The source item's key.</param>
/// <param name="Ok">No error for it or anything made from it.</param>
/// <param name="Outputs">The files written for it.</param>
/// <param name="Errors">Its error lines (<c>step: item: reason</c>).</param>
/// <param name="LeftOut">What blocks left out of it (a near-silent slice).</param>
public sealed record FinishedItem(string Key, bool Ok, IReadOnlyList<FinishedOutput> Outputs, IReadOnlyList<string> Errors, IReadOnlyList<LeftOutRecord> LeftOut);

/// <summary>One file written for a source item.</summary>
/// <param name="Path">Relative to the output root, '/' separators.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="Item">Key of the item that was written.</param>
/// <param name="Step">The step that wrote it, or null when unknown (older manifests).</param>
/// <param name="Metadata">That item's metadata: strings, longs, doubles and booleans.</param>
public sealed record FinishedOutput(string Path, string Sha256, string Item, string? Step, IReadOnlyDictionary<string, object> Metadata);

/// <summary>An item a step chose not to pass on, and why (counted in reports; not an error).</summary>
/// <param name="Step">The step (or input) id.</param>
/// <param name="Item">The item's key.</param>
/// <param name="Reason">A short reason shared by every item left out for it (<c>near-silent</c>), so reports can count.</param>
public sealed record LeftOutRecord(string Step, string Item, string Reason);
