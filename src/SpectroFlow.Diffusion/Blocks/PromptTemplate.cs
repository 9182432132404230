using System.Collections;
using System.Globalization;
using System.Text;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>
/// A prompt template over an item's metadata: literal text with <c>{key}</c> or <c>{key:format}</c> placeholders
/// (<c>{{</c> and <c>}}</c> are literal braces), e.g. <c>"{genre}, {bpm:0} bpm"</c>. Numbers use the invariant culture and
/// the optional .NET format; lists are joined with ", "; a missing key fails the item with one line naming it.
/// Unlike file-name templates, nothing is sanitised: the text goes to the tokenizer as it is.
/// </summary>
public static class PromptTemplate
{
    /// <summary>Why <paramref name="template"/> is malformed (an unclosed or empty placeholder, a stray brace), or null.</summary>
    public static string? Check(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        try
        {
            _ = Expand(template, _ => string.Empty);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Fills <paramref name="template"/> from <paramref name="metadata"/>.</summary>
    /// <exception cref="SpectroFlowException">A placeholder names a key the item has no metadata for.</exception>
    public static string Fill(string template, IReadOnlyDictionary<string, object> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return Expand(template, placeholder =>
        {
            int colon = placeholder.IndexOf(':', StringComparison.Ordinal);
            string key = colon < 0 ? placeholder : placeholder[..colon];
            string? format = colon < 0 ? null : placeholder[(colon + 1)..];
            return metadata.TryGetValue(key, out object? value)
                ? Format(value, format)
                : throw new SpectroFlowException($"prompt '{template}' uses '{{{key}}}', which the item has no metadata for");
        });
    }

    private static string Format(object value, string? format) => value switch
    {
        string text => text,
        IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join(", ", list.Cast<object>().Select(item => Format(item, format))),
        _ => value.ToString() ?? string.Empty,
    };

    private static string Expand(string template, Func<string, string> resolve)
    {
        var builder = new StringBuilder(template.Length);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (c == '{')
            {
                int end = template.IndexOf('}', i + 1);
                if (end < 0 || end == i + 1)
                {
                    throw new FormatException($"'{template}': a '{{' at {i + 1} has no name and closing '}}'");
                }

                builder.Append(resolve(template[(i + 1)..end]));
                i = end;
            }
            else if (c == '}')
            {
                throw new FormatException($"'{template}': a lone '}}' at {i + 1} (write '}}}}' for a brace)");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
