namespace SpectroFlow.Core.Blocks;

/// <summary>
/// A stateful block that sees the whole stream (crossfade, concatenate, group, pair): it reads the incoming items in
/// arrival order and yields new items, typically built with <see cref="WorkItem.Combine"/> or
/// <see cref="WorkItem.WithPayload"/>. The engine runs it on one task. Arrival order across a parallel upstream is not
/// fixed: a block that needs order sorts by <see cref="WorkItem.Ordinal"/>/<see cref="WorkItem.Key"/> or buffers.
/// An exception from the stream fails the step (all its remaining inputs become error records).
/// </summary>
/// <typeparam name="TIn">Payload type of the items accepted.</typeparam>
/// <typeparam name="TOut">Payload type of the items produced.</typeparam>
public interface IStreamBlock<TIn, TOut>
{
    /// <summary>Transforms the stream. Must consume <paramref name="inputs"/> to the end unless cancelled.</summary>
    IAsyncEnumerable<WorkItem> ProcessAsync(IAsyncEnumerable<WorkItem> inputs, RunContext context, CancellationToken cancellationToken);
}
