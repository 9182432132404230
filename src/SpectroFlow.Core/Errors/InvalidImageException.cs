namespace SpectroFlow.Core.Errors;

/// <summary>An image that cannot be used as a spectrogram (not an image, truncated, wrong size, too large).</summary>
public sealed class InvalidImageException : SpectroFlowException
{
    /// <summary>Creates the error; <paramref name="message"/> names the file and the problem.</summary>
    public InvalidImageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its low-level cause.</summary>
    public InvalidImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error with no message (prefer the other constructors).</summary>
    public InvalidImageException()
    {
    }
}
