namespace SpectroFlow.Core.Blocks;

/// <summary>One output of an <see cref="IExpandingBlock{TIn, TOut}"/>.</summary>
/// <typeparam name="T">Payload type.</typeparam>
/// <param name="Payload">The produced value.</param>
/// <param name="KeySuffix">
/// Stable suffix of the child's key (<c>parent#suffix</c>); null uses the output's index, which is stable when the
/// block's output order is deterministic.
/// </param>
/// <param name="Metadata">Metadata to add to the child (clip index, time span…), or null.</param>
public readonly record struct ItemOutput<T>(T Payload, string? KeySuffix = null, IReadOnlyDictionary<string, object>? Metadata = null);
