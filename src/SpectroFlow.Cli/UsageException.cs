using SpectroFlow.Core.Errors;

namespace SpectroFlow.Cli;

/// <summary>A command line that parses but asks for something impossible (exit code 2).</summary>
internal sealed class UsageException : SpectroFlowException
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
