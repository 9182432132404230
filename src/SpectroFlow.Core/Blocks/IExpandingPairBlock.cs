namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Two items in, any number out, yielded as produced (N in-between frames of a blend, interpolation frames between two
/// prompts). The engine pairs the items as for an <see cref="IPairBlock{TA, TB, TOut}"/>; each output becomes a child of
/// the combined item, keyed <c>a+b#suffix</c>, so outputs stay in natural order after the pair's position. Throwing
/// part-way fails the pair; outputs already yielded go on.
/// </summary>
/// <typeparam name="TA">Payload type of the first port.</typeparam>
/// <typeparam name="TB">Payload type of the second port.</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public interface IExpandingPairBlock<TA, TB, TOut>
{
    /// <summary>
    /// Produces the outputs of one pair. <see cref="BlockContext.Item"/> is the combined item (key <c>a+b</c>, metadata
    /// of <paramref name="a"/>); its seed comes from the parts' keys, never from run order.
    /// </summary>
    IAsyncEnumerable<ItemOutput<TOut>> ExpandAsync(Part<TA> a, Part<TB> b, BlockContext context, CancellationToken cancellationToken);
}
