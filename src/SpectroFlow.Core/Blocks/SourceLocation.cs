namespace SpectroFlow.Core.Blocks;

/// <summary>A position in a recipe file (1-based line and column), printed as <c>file:line:col</c>.</summary>
/// <param name="File">The file name as the user gave it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public readonly record struct SourceLocation(string File, long Line, long Column)
{
    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
