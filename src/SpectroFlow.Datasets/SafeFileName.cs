using System.Text;

namespace SpectroFlow.Datasets;

/// <summary>
/// Turns any text (an artist and a title from a remote API) into one safe file-name component on every platform:
/// NFC, no control characters, no path separators or characters Windows forbids, never <c>..</c>, no leading or trailing
/// dots and spaces, no Windows device names, at most a given number of UTF-8 bytes.
/// </summary>
public static class SafeFileName
{
    /// <summary>The name used when nothing is left of the text.</summary>
    public const string Empty = "untitled";

    /// <summary>A safe file-name component for <paramref name="text"/>, at most <paramref name="maxBytes"/> bytes of UTF-8.</summary>
    public static string From(string text, int maxBytes = 80)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, Empty.Length + 1);
        string normalized = UnicodeComposition.Compose(WithoutLoneSurrogates(text).Normalize(NormalizationForm.FormC));
        var builder = new StringBuilder(normalized.Length);
        foreach (char c in normalized)
        {
            builder.Append(c switch
            {
                _ when char.IsControl(c) => ' ',
                '/' or '\\' or '<' or '>' or ':' or '"' or '|' or '?' or '*' => '_',
                _ => c,
            });
        }

        string name = Trim(builder.ToString());
        name = PrefixReserved(name);
        name = Trim(Truncate(name, maxBytes));
        name = name.Length == 0 ? Empty : name;
        return PrefixReserved(name);
    }

    /// <summary>Whether <paramref name="name"/> is a Windows device name (CON, NUL, COM1…), with or without an extension.</summary>
    public static bool IsReserved(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        string stem = (dot < 0 ? name : name[..dot]).TrimEnd(' ').ToUpperInvariant();
        return stem switch
        {
            "CON" or "PRN" or "AUX" or "NUL" => true,
            _ when stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) => stem[3] is >= '1' and <= '9',
            _ => false,
        };
    }

    private static string WithoutLoneSurrogates(string text)
    {
        // Normalize throws on half a surrogate pair, which remote JSON can carry (\ud83c).
        StringBuilder? builder = null;
        for (int i = 0; i < text.Length; i++)
        {
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (pair)
            {
                builder?.Append(text, i, 2);
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                builder ??= new StringBuilder(text, 0, i, text.Length);
                builder.Append('_');
            }
            else
            {
                builder?.Append(text[i]);
            }
        }

        return builder?.ToString() ?? text;
    }

    private static string PrefixReserved(string name) => IsReserved(name) ? "_" + name : name;

    private static string Trim(string name) => name.Trim(' ', '.');

    private static string Truncate(string name, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(name) <= maxBytes)
        {
            return name;
        }

        int bytes = 0;
        int end = 0;
        while (end < name.Length)
        {
            int length = char.IsHighSurrogate(name[end]) && end + 1 < name.Length && char.IsLowSurrogate(name[end + 1]) ? 2 : 1;
            int size = Encoding.UTF8.GetByteCount(name.AsSpan(end, length));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end += length;
        }

        return name[..end];
    }
}
