using SpectroFlow.Core.Errors;

namespace SpectroFlow.Core.Blocks;

/// <summary>Turns any failure of a block on one item into a one-line <see cref="SpectroFlowException"/> naming the item.</summary>
public static class BlockFailure
{
    /// <summary>Runs <paramref name="work"/>; cancellation passes through, every other exception is wrapped.</summary>
    /// <exception cref="SpectroFlowException">The work failed; the message names the item and the block.</exception>
    public static T Run<T>(BlockContext context, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return work();
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw Wrap(context, e);
        }
    }

    /// <summary>
    /// A one-line error for <paramref name="context"/>'s item from <paramref name="exception"/>. The engine's error
    /// record already names the step and the item, so the message is the problem only: a <see cref="SpectroFlowException"/>'s
    /// own words, or the type and message of anything else (an unexpected failure).
    /// </summary>
    public static SpectroFlowException Wrap(BlockContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        string message = exception.Message.ReplaceLineEndings(" ").Trim();
        return exception switch
        {
            SpectroFlowException known when known.Message == message => known,
            SpectroFlowException => new SpectroFlowException(message, exception),
            _ => new SpectroFlowException($"{exception.GetType().Name}: {message}", exception),
        };
    }
}
