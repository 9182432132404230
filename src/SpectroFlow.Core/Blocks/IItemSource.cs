namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Where items come from (a folder glob now; a paging remote API later). Enumerates in a stable order so keys, ordinals
/// and shards are reproducible; honours cancellation between items (and between pages). The engine numbers the items
/// in the order yielded and derives their seeds; the source only names them.
/// </summary>
/// <typeparam name="TOut">Payload type of the items produced.</typeparam>
public interface IItemSource<TOut>
    where TOut : notnull
{
    /// <summary>Yields the items in a stable order.</summary>
    IAsyncEnumerable<SourceItem<TOut>> ReadAsync(RunContext context, CancellationToken cancellationToken);
}
