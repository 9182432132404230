namespace SpectroFlow.Core.Errors;

/// <summary>
/// Base type of every error SpectroFlow reports to a user: bad input, a missing native library, a failed block.
/// The message is one line that names the item (file, block, recipe position) and the problem.
/// </summary>
public class SpectroFlowException : Exception
{
    /// <summary>Creates an error with a one-line message.</summary>
    public SpectroFlowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a one-line message and the low-level cause (shown only with --verbose).</summary>
    public SpectroFlowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error with no message (required by analyzers; prefer the other constructors).</summary>
    public SpectroFlowException()
    {
    }
}
