namespace SpectroFlow.Core.Blocks;

/// <summary>
/// One item in, one item out (decode, mel spectrogram, encode). The output keeps the input's key, seed and metadata,
/// plus whatever the block puts in <see cref="BlockContext.OutputMetadata"/>. Throwing fails this item only: the engine
/// records an error (item, block, one-line reason) and the run goes on.
/// </summary>
/// <typeparam name="TIn">Payload type accepted (checked against the upstream block when the recipe loads).</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public interface IBlock<in TIn, TOut>
{
    /// <summary>Processes one payload. CPU work stays synchronous; only real I/O is awaited.</summary>
    ValueTask<TOut> ProcessAsync(TIn input, BlockContext context, CancellationToken cancellationToken);
}
