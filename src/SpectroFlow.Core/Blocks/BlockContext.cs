namespace SpectroFlow.Core.Blocks;

/// <summary>
/// What a block sees while it processes one item: the item (key, metadata), a seed for this item in this block, and the
/// run context. Created by the engine per item and block.
/// </summary>
public sealed class BlockContext
{
    /// <summary>Creates the context of <paramref name="item"/> in block <paramref name="blockId"/>.</summary>
    public BlockContext(RunContext run, string blockId, WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentException.ThrowIfNullOrEmpty(blockId);
        ArgumentNullException.ThrowIfNull(item);
        Run = run;
        BlockId = blockId;
        Item = item;
        Seed = Randomness.DeterministicRandom.DeriveSeed(item.Seed, blockId);
    }

    /// <summary>The run's shared context.</summary>
    public RunContext Run { get; }

    /// <summary>The recipe step id of the block.</summary>
    public string BlockId { get; }

    /// <summary>The item being processed (read its metadata here).</summary>
    public WorkItem Item { get; }

    /// <summary>Seed for this item in this block: from the recipe seed, the item's key and the step id, never from run order.</summary>
    public ulong Seed { get; }

    /// <summary>Metadata a one-in-one-out block adds to its output item.</summary>
    public Dictionary<string, object> OutputMetadata { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Records that this block does not pass the item on, for <paramref name="reason"/> (short and shared by every item
    /// left out for it, e.g. <c>near-silent</c>; not an error): an expanding block then yields nothing for it.
    /// </summary>
    public void LeaveOut(string reason) => Run.LeaveOut(BlockId, Item.Key, Item.Roots, reason);

    /// <summary>A generator seeded with <see cref="Seed"/>.</summary>
    public Randomness.DeterministicRandom CreateRandom() => new(Seed);
}
