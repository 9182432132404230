namespace SpectroFlow.Core.Blocks;

/// <summary>
/// A whole group in, one item out (join all clips of a song into one track, concatenate images side by side). The
/// engine groups the items (all descendants of one source item, or every item of the step) and hands them over in
/// natural order as they become known, holding only what arrived out of order. Throwing fails the group.
/// </summary>
/// <typeparam name="TIn">Payload type of the parts.</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public interface IGroupBlock<TIn, TOut>
{
    /// <summary>
    /// Combines one group, reading <paramref name="parts"/> to the end. <see cref="BlockContext.Item"/> stands for the
    /// group (key and metadata of its first part's source).
    /// </summary>
    ValueTask<TOut> ProcessAsync(IAsyncEnumerable<Part<TIn>> parts, BlockContext context, CancellationToken cancellationToken);
}
