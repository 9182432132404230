using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Core.Errors;

/// <summary>A recipe that cannot run: every problem found, each with file:line:col where known.</summary>
public sealed class RecipeException : SpectroFlowException
{
    /// <summary>Creates the error from the collected problems.</summary>
    public RecipeException(IReadOnlyList<ValidationError> errors)
        : base(BuildMessage(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the error with one message.</summary>
    public RecipeException(string message)
        : base(message)
    {
        Errors = [new ValidationError(message)];
    }

    /// <summary>Creates the error with one message and cause.</summary>
    public RecipeException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [new ValidationError(message)];
    }

    /// <summary>Creates the error with no message (prefer the other constructors).</summary>
    public RecipeException()
    {
        Errors = [];
    }

    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string BuildMessage(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count == 1
            ? errors[0].ToString()
            : $"{errors.Count} problems in recipe:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
    }
}
