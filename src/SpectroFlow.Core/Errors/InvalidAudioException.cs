namespace SpectroFlow.Core.Errors;

/// <summary>An audio file or buffer that cannot be decoded or processed (empty, truncated, unknown format, too short).</summary>
public sealed class InvalidAudioException : SpectroFlowException
{
    /// <summary>Creates the error; <paramref name="message"/> names the file and the problem.</summary>
    public InvalidAudioException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its low-level cause.</summary>
    public InvalidAudioException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error with no message (prefer the other constructors).</summary>
    public InvalidAudioException()
    {
    }
}
