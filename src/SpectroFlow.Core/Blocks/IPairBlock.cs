namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Two items in, one out (a crossfade of song A into song B, a blend of image i with image i+1, an image with its mask).
/// The engine forms the pairs from the step's two named inputs (ports) with the recipe's <c>pairing</c> policy, in
/// natural order, and gives the output item both parts' ancestry; the block only combines payloads. Throwing fails this
/// pair only.
/// </summary>
/// <typeparam name="TA">Payload type of the first port.</typeparam>
/// <typeparam name="TB">Payload type of the second port.</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public interface IPairBlock<TA, TB, TOut>
{
    /// <summary>
    /// Combines one pair. <see cref="BlockContext.Item"/> is the combined item (key <c>a+b</c>, metadata of
    /// <paramref name="a"/>); its seed comes from the parts' keys, never from run order.
    /// </summary>
    ValueTask<TOut> ProcessAsync(Part<TA> a, Part<TB> b, BlockContext context, CancellationToken cancellationToken);
}
