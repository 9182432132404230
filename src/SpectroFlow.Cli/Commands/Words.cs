using System.Globalization;

namespace SpectroFlow.Cli.Commands;

/// <summary>Counted nouns for messages: "1 error", "2 errors".</summary>
internal static class Words
{
    /// <summary><paramref name="count"/> and the noun, plural unless the count is exactly one.</summary>
    public static string Count(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? singular : plural ?? singular + "s")}");
}
