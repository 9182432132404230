using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SpectroFlow.Cli;

/// <summary>
/// Parse errors in words, one line each: a value that does not convert to a numeric option's type reads
/// <c>--seed: '-1' is not a whole number from 0 to 18446744073709551615</c> instead of naming a .NET type, and a value
/// outside an option's list reads <c>--quality: 'bogus' is not one of default, draft, high</c>.
/// </summary>
internal static class ParseErrorText
{
    public static string Describe(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Option? option = error.SymbolResult switch
        {
            OptionResult result => result.Option,
            ArgumentResult { Parent: OptionResult result } => result.Option,
            _ => null,
        };
        if (option is not null && AllowedValues(option) is { Count: > 0 } allowed
            && error.SymbolResult!.Tokens.FirstOrDefault(t => !allowed.Contains(t.Value)) is { } outside)
        {
            return $"{option.Name}: '{outside.Value}' is not one of {string.Join(", ", allowed)}";
        }

        if (option is null || Accepts(Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType) is not { } accepts)
        {
            return OneLine(error.Message);
        }

        Token? bad = error.SymbolResult!.Tokens.FirstOrDefault(t => !accepts.Parses(t.Value));
        return bad is null ? error.Message : $"{option.Name}: '{bad.Value}' is not {accepts.Words}";
    }

    private static Kind? Accepts(Type type)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        return type switch
        {
            _ when type == typeof(int) => new("a whole number", t => int.TryParse(t, NumberStyles.AllowLeadingSign, inv, out _)),
            _ when type == typeof(long) => new("a whole number", t => long.TryParse(t, NumberStyles.AllowLeadingSign, inv, out _)),
            _ when type == typeof(ulong) => new($"a whole number from 0 to {ulong.MaxValue}", t => ulong.TryParse(t, NumberStyles.None, inv, out _)),
            _ when type == typeof(double) || type == typeof(float) => new("a number", t => double.TryParse(t, NumberStyles.Float, inv, out _)),
            _ => null,
        };
    }

    /// <summary>The values an option limited by <c>AcceptOnlyFromAmong</c> offers (its completions), in their order.</summary>
    private static List<string> AllowedValues(Option option) =>
        option.ValueType == typeof(string) ? [.. option.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty).Select(c => c.Label)] : [];

    private static string OneLine(string message) =>
        string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private sealed record Kind(string Words, Func<string, bool> Parses);
}
