namespace SpectroFlow.Core.Blocks;

/// <summary>One problem found while validating a recipe or a block's options.</summary>
/// <param name="Message">One line describing the problem.</param>
/// <param name="Location">Where it is in the recipe, when known.</param>
/// <param name="Key">The option key (snake_case) it concerns, when it concerns one.</param>
public sealed record ValidationError(string Message, SourceLocation? Location = null, string? Key = null)
{
    /// <inheritdoc/>
    public override string ToString() => Location is { } location ? $"{location}: {Message}" : Message;
}
