namespace SpectroFlow.Core.Items;

/// <summary>A text prompt as an item payload (what the <c>prompts</c> input yields for text-to-image steps).</summary>
/// <param name="Text">The prompt.</param>
public sealed record TextPrompt(string Text)
{
    /// <inheritdoc/>
    public override string ToString() => Text;
}
