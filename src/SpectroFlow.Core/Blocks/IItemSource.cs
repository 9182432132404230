namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Where items come from (a folder glob now; a paging remote API later). Enumerates in a stable order so keys, ordinals
/// and shards are reproducible; honours cancellation between items (and between pages).
/// </summary>
/// <typeparam name="TOut">Payload type of the items produced.</typeparam>
public interface IItemSource<TOut>
{
    /// <summary>Yields the items; create them with <see cref="WorkItem.Create"/> and the run seed.</summary>
    IAsyncEnumerable<WorkItem> ReadAsync(RunContext context, CancellationToken cancellationToken);
}
