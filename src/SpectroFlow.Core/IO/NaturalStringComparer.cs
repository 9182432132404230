namespace SpectroFlow.Core.IO;

/// <summary>
/// Orders strings the way people number files: runs of ASCII digits compare by their value (<c>clip_2</c> before
/// <c>clip_10</c>, <c>clip_02</c> equal in value to <c>clip_2</c>), other characters compare case-insensitively
/// (ordinal, upper-invariant). Ties (<c>Clip_2</c> and <c>clip_2</c>, <c>clip_02</c> and <c>clip_2</c>) are broken by
/// plain ordinal comparison, so the order is total and the same on every machine and culture.
/// </summary>
public sealed class NaturalStringComparer : IComparer<string?>
{
    /// <summary>The one instance.</summary>
    public static NaturalStringComparer Instance { get; } = new();

    private NaturalStringComparer()
    {
    }

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int natural = CompareNatural(x, y);
        return natural != 0 ? natural : string.CompareOrdinal(x, y);
    }

    private static int CompareNatural(string x, string y)
    {
        int i = 0;
        int j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int endX = DigitsEnd(x, i);
                int endY = DigitsEnd(y, j);
                int byValue = CompareDigits(x.AsSpan(i, endX - i), y.AsSpan(j, endY - j));
                if (byValue != 0)
                {
                    return byValue;
                }

                i = endX;
                j = endY;
                continue;
            }

            int byChar = char.ToUpperInvariant(x[i]).CompareTo(char.ToUpperInvariant(y[j]));
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }

    private static int DigitsEnd(string s, int start)
    {
        int end = start;
        while (end < s.Length && char.IsAsciiDigit(s[end]))
        {
            end++;
        }

        return end;
    }

    /// <summary>Compares two digit runs by value without parsing (any length): leading zeros dropped, then length, then digits.</summary>
    private static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
    }
}
