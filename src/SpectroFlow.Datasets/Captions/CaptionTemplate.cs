using System.Globalization;
using System.Text;
using SpectroFlow.Core.Errors;

using SpectroFlow.Datasets.Writing;

namespace SpectroFlow.Datasets.Captions;

/// <summary>
/// A caption template over item metadata, for training captions: <c>"{genres}, {instruments}, {bpm} bpm"</c>.
/// </summary>
/// <remarks>
/// Placeholders are <c>{name}</c> or <c>{name:format}</c> (a .NET format string, invariant culture); <c>{{</c> and
/// <c>}}</c> are literal braces. Values: doubles are rounded to an integer unless a format is given (<c>120 bpm</c>,
/// not <c>119.87 bpm</c>); a string holding a comma-separated list stays one (<c>rock, pop</c>) with blanks and
/// duplicates removed; booleans read <c>true</c>/<c>false</c>. The template is a comma-separated list of fragments: a
/// fragment whose placeholders are all missing or empty is dropped with its comma, so a caption never has empty
/// parts (<c>"{genres}, {instruments}, {bpm} bpm"</c> with only genres is <c>rock</c>). Whitespace is collapsed and
/// a tag that repeats an earlier one (ignoring case) is dropped.
/// </remarks>
public sealed class CaptionTemplate
{
    private readonly IReadOnlyList<Fragment> _fragments;

    private CaptionTemplate(string text, IReadOnlyList<Fragment> fragments)
    {
        Text = text;
        _fragments = fragments;
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The metadata names the template uses, in order of first use.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string>();
            foreach (Fragment fragment in _fragments)
            {
                foreach (Part part in fragment.Parts)
                {
                    if (part.IsPlaceholder && !names.Contains(part.Text, StringComparer.Ordinal))
                    {
                        names.Add(part.Text);
                    }
                }
            }

            return names;
        }
    }

    /// <summary>Parses <paramref name="template"/>.</summary>
    /// <exception cref="FormatException">One line: an unclosed or unmatched brace, or an empty placeholder name.</exception>
    public static CaptionTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var fragments = new List<Fragment>();
        var parts = new List<Part>();
        var literal = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i++;
            }
            else if (c == '{')
            {
                int end = template.IndexOfAny(['{', '}'], i + 1);
                if (end < 0 || template[end] == '{')
                {
                    throw new FormatException($"caption template has an unclosed '{{' at position {i + 1}");
                }

                string body = template[(i + 1)..end];
                int colon = body.IndexOf(':', StringComparison.Ordinal);
                string name = (colon < 0 ? body : body[..colon]).Trim();
                if (name.Length == 0)
                {
                    throw new FormatException($"caption template has an empty placeholder name at position {i + 1}");
                }

                FlushLiteral(parts, literal);
                parts.Add(new Part(name, colon < 0 || colon == body.Length - 1 ? null : body[(colon + 1)..], true));
                i = end;
            }
            else if (c == '}')
            {
                throw new FormatException($"caption template has an unmatched '}}' at position {i + 1} (write '}}}}' for a literal brace)");
            }
            else if (c == ',')
            {
                FlushLiteral(parts, literal);
                fragments.Add(Fragment.Of(parts));
                parts.Clear();
            }
            else
            {
                literal.Append(c);
            }
        }

        FlushLiteral(parts, literal);
        fragments.Add(Fragment.Of(parts));
        return new CaptionTemplate(template, fragments);
    }

    /// <summary>Renders the caption for <paramref name="metadata"/>.</summary>
    /// <exception cref="SpectroFlowException">A format string does not apply to its value.</exception>
    public string Render(IReadOnlyDictionary<string, object> metadata) => Render(metadata, null);

    /// <summary>
    /// Renders the caption for <paramref name="metadata"/>, starting with <paramref name="instancePrefix"/> when given
    /// (DreamBooth's <c>sks music</c>: <c>sks music, rock, 120 bpm</c>).
    /// </summary>
    /// <exception cref="SpectroFlowException">A format string does not apply to its value.</exception>
    public string Render(IReadOnlyDictionary<string, object> metadata, string? instancePrefix)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var tags = new List<string>();
        if (!string.IsNullOrWhiteSpace(instancePrefix))
        {
            AddTag(tags, instancePrefix);
        }

        var text = new StringBuilder();
        foreach (Fragment fragment in _fragments)
        {
            // A fragment that is one list placeholder gives one tag per list entry, so tags repeated by another
            // placeholder (a genre that is also a vartag) are dropped one by one.
            if (fragment.Parts.Count == 1 && fragment.Parts[0].IsPlaceholder)
            {
                foreach (string entry in Values(fragment.Parts[0], metadata))
                {
                    AddTag(tags, entry);
                }

                continue;
            }

            text.Clear();
            bool hasPlaceholder = false;
            bool anyValue = false;
            foreach (Part part in fragment.Parts)
            {
                if (!part.IsPlaceholder)
                {
                    text.Append(part.Text);
                    continue;
                }

                hasPlaceholder = true;
                List<string> values = Values(part, metadata);
                anyValue |= values.Count > 0;
                text.AppendJoin(", ", values);
            }

            if (!hasPlaceholder || anyValue)
            {
                AddTag(tags, text.ToString());
            }
        }

        return string.Join(", ", tags);
    }

    /// <inheritdoc/>
    public override string ToString() => Text;

    private static void FlushLiteral(List<Part> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null, false));
            literal.Clear();
        }
    }

    private static void AddTag(List<string> tags, string tag)
    {
        string collapsed = TextFormats.Collapse(tag);
        if (collapsed.Length == 0)
        {
            return;
        }

        foreach (string existing in tags)
        {
            if (string.Equals(existing, collapsed, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }
        }

        tags.Add(collapsed);
    }

    /// <summary>A value as its list entries: one for scalars, none when missing or blank.</summary>
    private static List<string> Values(Part part, IReadOnlyDictionary<string, object> metadata)
    {
        var values = new List<string>();
        if (!metadata.TryGetValue(part.Text, out object? value))
        {
            return values;
        }

        switch (value)
        {
            case string text:
                foreach (string entry in text.Split(','))
                {
                    string collapsed = TextFormats.Collapse(entry);
                    if (collapsed.Length > 0 && !values.Contains(collapsed, StringComparer.OrdinalIgnoreCase))
                    {
                        values.Add(collapsed);
                    }
                }

                break;
            case bool flag:
                values.Add(flag ? "true" : "false");
                break;
            case double or float when part.Format is null:
                double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                if (double.IsFinite(number))
                {
                    values.Add(Math.Round(number, MidpointRounding.AwayFromZero).ToString("0", CultureInfo.InvariantCulture));
                }

                break;
            case IFormattable formattable:
                try
                {
                    values.Add(TextFormats.Collapse(formattable.ToString(part.Format, CultureInfo.InvariantCulture)));
                }
                catch (FormatException)
                {
                    throw new SpectroFlowException(string.Create(CultureInfo.InvariantCulture, $"caption format '{part.Format}' does not apply to '{part.Text}' ({value})"));
                }

                break;
            default:
                values.Add(TextFormats.Collapse(Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty));
                break;
        }

        values.RemoveAll(v => v.Length == 0);
        return values;
    }

    private sealed record Fragment(IReadOnlyList<Part> Parts)
    {
        /// <summary>The parts without blank literals at either end (the spaces after a comma).</summary>
        public static Fragment Of(List<Part> parts)
        {
            int start = 0;
            int end = parts.Count;
            while (start < end && IsBlank(parts[start]))
            {
                start++;
            }

            while (end > start && IsBlank(parts[end - 1]))
            {
                end--;
            }

            return new Fragment(parts[start..end]);
        }

        private static bool IsBlank(Part part) => !part.IsPlaceholder && string.IsNullOrWhiteSpace(part.Text);
    }

    private readonly record struct Part(string Text, string? Format, bool IsPlaceholder);
}
