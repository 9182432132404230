namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Declares on a block's options class the metadata keys the block adds to the items it emits (an empty list: none).
/// The recipe loader uses it to check name templates (<c>{key}</c>) before a run; a block without the declaration may
/// add any key, so templates after it are not checked.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class ProducesMetadataAttribute : Attribute
{
    /// <summary>Declares the keys the block adds.</summary>
    public ProducesMetadataAttribute(params string[] keys)
    {
        Keys = keys ?? [];
    }

    /// <summary>The metadata keys the block adds (e.g. <c>clip_index</c>).</summary>
    public IReadOnlyList<string> Keys { get; }
}
