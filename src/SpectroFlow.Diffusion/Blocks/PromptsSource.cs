using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>Options of the <c>prompts</c> input.</summary>
[ProducesMetadata(PromptsSource.PromptKey, PromptsSource.NameKey)]
public sealed class PromptsSourceOptions : IBlockOptions
{
    /// <summary>The prompts, one item each, in this order.</summary>
    [Description("Prompts, one item each, in this order (e.g. \"lofi hip hop beat, 90 bpm\").")]
    public required IReadOnlyList<string> Prompts { get; init; }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Prompts.Count == 0)
        {
            errors.Add("prompts", "must list at least one prompt");
        }

        for (int i = 0; i < Prompts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Prompts[i]))
            {
                errors.Add("prompts", $"prompt {i + 1} is empty");
            }
        }
    }
}

/// <summary>
/// Emits each listed prompt as a <see cref="TextPrompt"/> item. Key: its 1-based number and a slug of its words
/// (<c>001_lofi-hip-hop-beat-90-bpm</c>), so keys (and seeds, and output names) stay put when prompts are appended.
/// Metadata: <c>prompt</c> (the text) and <c>prompt_name</c> (the key, for file names: <c>name: "{prompt_name}"</c>).
/// </summary>
/// <param name="options">The prompts.</param>
public sealed class PromptsSource(PromptsSourceOptions options) : IItemSource<TextPrompt>
{
    /// <summary>Metadata: the prompt text.</summary>
    public const string PromptKey = "prompt";

    /// <summary>Metadata: the item's key, number and slug (<c>001_lofi-hip-hop-beat-90-bpm</c>).</summary>
    public const string NameKey = "prompt_name";

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceItem<TextPrompt>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ReportExpectedItems(options.Prompts.Count);
        for (int i = 0; i < options.Prompts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string text = options.Prompts[i].Trim();
            string key = string.Create(CultureInfo.InvariantCulture, $"{i + 1:000}_{Slug(text)}");
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [PromptKey] = text, [NameKey] = key };
            yield return new SourceItem<TextPrompt>(key, new TextPrompt(text), metadata);
            await Task.Yield();
        }
    }

    /// <summary>Letters and digits in lower case, other runs as one '-', at most 60 characters ("prompt" when none).</summary>
    public static string Slug(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(Math.Min(text.Length, 60));
        foreach (char c in text.Normalize(NormalizationForm.FormKC))
        {
            if (builder.Length >= 60)
            {
                break;
            }

            if (char.IsLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        string slug = builder.ToString().TrimEnd('-');
        return slug.Length == 0 ? "prompt" : slug;
    }
}
