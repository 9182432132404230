namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Collects every problem found during validation, so a user sees them all at once. Options classes add to it
/// from <see cref="IBlockOptions.Validate"/> and never throw.
/// </summary>
public sealed class ValidationErrors
{
    private readonly List<ValidationError> _errors = [];

    /// <summary>The problems found so far, in the order they were added.</summary>
    public IReadOnlyList<ValidationError> Errors => _errors;

    /// <summary>True when no problem has been added.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Number of problems.</summary>
    public int Count => _errors.Count;

    /// <summary>
    /// Adds a problem about option <paramref name="key"/> (snake_case, as written in the recipe); the engine
    /// fills in the key's line and column.
    /// </summary>
    public void Add(string key, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _errors.Add(new ValidationError(message, null, key));
    }

    /// <summary>Adds a problem at a known location (or none).</summary>
    public void Add(SourceLocation? location, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _errors.Add(new ValidationError(message, location));
    }

    /// <summary>Adds a problem that is not tied to one option.</summary>
    public void Add(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _errors.Add(new ValidationError(message));
    }

    /// <summary>Adds an already-built problem.</summary>
    public void Add(ValidationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        _errors.Add(error);
    }

    /// <summary>All problems, one per line, sorted by location.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _errors);
}
