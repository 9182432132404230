namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Base of one-in-one-out blocks whose work is synchronous CPU work (most of them): checks the arguments and the
/// cancellation once, so a block implements only <see cref="Process"/>.
/// </summary>
/// <typeparam name="TIn">Payload type accepted.</typeparam>
/// <typeparam name="TOut">Payload type produced.</typeparam>
public abstract class SyncBlock<TIn, TOut> : IBlock<TIn, TOut>
    where TIn : notnull
{
    /// <inheritdoc/>
    public ValueTask<TOut> ProcessAsync(TIn input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Process(input, context, cancellationToken));
    }

    /// <summary>Processes one payload; check <paramref name="cancellationToken"/> between long stages.</summary>
    protected abstract TOut Process(TIn input, BlockContext context, CancellationToken cancellationToken);
}
