using System.Text;

namespace SpectroFlow.Datasets.Writing;

/// <summary>Quoting for the index files: CSV (RFC 4180), markdown text, TOML strings.</summary>
internal static class TextFormats
{
    /// <summary>An RFC 4180 field: quoted (quotes doubled) when it holds a comma, quote, CR or LF.</summary>
    public static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    /// <summary>Text for a markdown line: whitespace collapsed to single spaces, markup characters escaped.</summary>
    public static string Markdown(string value) => Collapse(value, escapeMarkdown: true);

    /// <summary>Whitespace and control characters collapsed to single spaces, trimmed; optionally markdown markup escaped.</summary>
    public static string Collapse(string value, bool escapeMarkdown = false)
    {
        var builder = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            if (escapeMarkdown && c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#' or '!' or '(' or ')' or '~')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>A link target a markdown link can hold as it is: http(s) without spaces, brackets or quotes; else null.</summary>
    public static string? Url(string? value)
    {
        if (value is null || !(value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        foreach (char c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '(' or ')' or '<' or '>' or '"' or '[' or ']' or '`')
            {
                return null;
            }
        }

        return value;
    }

    /// <summary>A TOML basic string with its quotes.</summary>
    public static string Toml(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append($"\\u{(int)c:X4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
