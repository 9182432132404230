namespace SpectroFlow.Core.Errors;

/// <summary>
/// A model folder or model file that SpectroFlow cannot use: a missing file, a tensor with the wrong name, element type
/// or shape, a model of another family. The message names the file and the mismatch.
/// </summary>
public sealed class InvalidModelException : SpectroFlowException
{
    /// <summary>Creates the error for <paramref name="path"/> with the <paramref name="problem"/> in a few words.</summary>
    public InvalidModelException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>Creates the error with no details (prefer the other constructor).</summary>
    public InvalidModelException()
    {
        Path = string.Empty;
    }

    /// <summary>Creates the error with a message (prefer the other constructor).</summary>
    public InvalidModelException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the error with a message and a cause (prefer the other constructor).</summary>
    public InvalidModelException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }
}
