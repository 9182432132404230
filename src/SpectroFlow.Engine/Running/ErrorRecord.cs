namespace SpectroFlow.Engine.Running;

/// <summary>One item that failed (or a source or stream that failed), with a one-line reason; the run went on.</summary>
/// <param name="Step">The step id where it failed.</param>
/// <param name="Item">The item as printed (<c>#17 clips/intro.wav</c>), or null for a step-level failure.</param>
/// <param name="Key">The item's stable key, or null.</param>
/// <param name="Reason">One line: what went wrong.</param>
public sealed record ErrorRecord(string Step, string? Item, string? Key, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => Item is null ? $"{Step}: {Reason}" : $"{Step}: {Item}: {Reason}";
}
