using System.Globalization;

namespace SpectroFlow.Datasets.Jamendo;

/// <summary>A Creative Commons licence read from a track's <c>license_ccurl</c>.</summary>
/// <param name="Kind">by, by-sa, by-nc, by-nd, by-nc-sa, by-nc-nd or cc0.</param>
/// <param name="Version">The licence version (<c>3.0</c>).</param>
public sealed record JamendoLicense(string Kind, string Version)
{
    private static readonly string[] s_kinds = ["by", "by-sa", "by-nc", "by-nd", "by-nc-sa", "by-nc-nd"];

    /// <summary>The usual label: <c>CC BY-NC-SA 3.0</c>, <c>CC0 1.0</c>.</summary>
    public string Label => Kind == "cc0" ? $"CC0 {Version}" : $"CC {Kind.ToUpperInvariant()} {Version}";

    /// <summary>
    /// The licence of <paramref name="url"/> when it is a Creative Commons licence
    /// (<c>creativecommons.org/licenses/&lt;kind&gt;/&lt;version&gt;/</c>, http or https, with or without the trailing slash
    /// or a jurisdiction, or <c>publicdomain/zero/1.0</c>), else null (Free Art License, empty, anything else).
    /// </summary>
    public static JamendoLicense? Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out Uri? uri))
        {
            return null;
        }

        if ((uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || (uri.Host != "creativecommons.org" && uri.Host != "www.creativecommons.org"))
        {
            return null;
        }

        string[] parts = uri.AbsolutePath.Trim('/').Split('/');
        if (parts.Length is < 3 or > 4 || !IsVersion(parts[2]) || (parts.Length == 4 && !IsJurisdiction(parts[3])))
        {
            return null;
        }

        if (parts[0] == "licenses" && Array.IndexOf(s_kinds, parts[1]) >= 0)
        {
            return new JamendoLicense(parts[1], parts[2]);
        }

        return parts[0] == "publicdomain" && parts[1] == "zero" && parts.Length == 3 ? new JamendoLicense("cc0", parts[2]) : null;
    }

    private static bool IsVersion(string text)
    {
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && dot < text.Length - 1
            && int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    private static bool IsJurisdiction(string text) => text.Length is 2 or 3 && text.All(char.IsAsciiLetterLower);
}
