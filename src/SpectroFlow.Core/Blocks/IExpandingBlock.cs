namespace SpectroFlow.Core.Blocks;

/// <summary>
/// One item in, any number out, yielded as produced (a track cut into clips, N interpolation frames). Each output becomes
/// a child item keyed <c>parent#suffix</c>. An exception part-way fails the input item; children already yielded go on.
/// </summary>
/// <typeparam name="TIn">Payload type accepted.</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public interface IExpandingBlock<in TIn, TOut>
{
    /// <summary>Produces the outputs of one input.</summary>
    IAsyncEnumerable<ItemOutput<TOut>> ExpandAsync(TIn input, BlockContext context, CancellationToken cancellationToken);
}
