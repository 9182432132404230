namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Options of one block: an immutable class with init-only properties (recipe keys are the snake_case property
/// names), validated once when the recipe loads.
/// </summary>
public interface IBlockOptions
{
    /// <summary>
    /// Adds every problem with these values to <paramref name="errors"/> (cross-field rules; single-value ranges can
    /// also be declared with <c>[Range]</c>). Never throws.
    /// </summary>
    void Validate(ValidationErrors errors);
}

/// <summary>Options for a block that has none.</summary>
public sealed class NoOptions : IBlockOptions
{
    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}
