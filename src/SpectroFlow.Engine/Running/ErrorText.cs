namespace SpectroFlow.Engine.Running;

/// <summary>How a failure reads in an error record: the problem in words, never a .NET type name.</summary>
internal static class ErrorText
{
    /// <summary>
    /// <paramref name="message"/> (the exception's message on one line) as users see it. Failures with a message meant
    /// for people (SpectroFlow errors, I/O, bad data, timeouts) read as they are; anything else is a bug, and says so.
    /// </summary>
    public static string OneLine(Exception ex, string message) => ex switch
    {
        Core.Errors.SpectroFlowException or IOException or UnauthorizedAccessException or InvalidDataException or FormatException
            or NotSupportedException or TimeoutException or OperationCanceledException or ArgumentException or InvalidOperationException => message,
        _ => $"internal error: {message}",
    };
}
