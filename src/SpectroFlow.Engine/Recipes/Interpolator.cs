using System.Text;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Recipes;

/// <summary>
/// Expands <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME:?message}</c> (environment) and <c>${params.name}</c> in one
/// scalar; <c>$${</c> is a literal <c>${</c>. Resolved once, after parsing, on scalars only, so a value can never inject
/// YAML structure; environment values containing line breaks are rejected.
/// </summary>
internal static class Interpolator
{
    /// <summary>Message of a placeholder error for a value that uses a parameter already reported broken; removed by the loader.</summary>
    public const string BrokenMarker = "\0broken-parameter";

    public static string Expand(
        string value,
        SourceLocation at,
        Func<string, string?> environment,
        IReadOnlyDictionary<string, string>? parameters,
        List<ValidationError> errors,
        ISet<string>? brokenParameters = null)
    {
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        int i = 0;
        while (i < value.Length)
        {
            if (value[i] == '$' && i + 2 < value.Length && value[i + 1] == '$' && value[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
                continue;
            }

            if (value[i] != '$' || i + 1 >= value.Length || value[i + 1] != '{')
            {
                result.Append(value[i]);
                i++;
                continue;
            }

            int close = value.IndexOf('}', i + 2);
            if (close < 0)
            {
                errors.Add(new ValidationError($"unclosed '${{' in '{value}'", at));
                return value;
            }

            string expression = value[(i + 2)..close];
            result.Append(Resolve(expression, at, environment, parameters, errors, brokenParameters));
            i = close + 1;
        }

        return result.ToString();
    }

    private static string Resolve(string expression, SourceLocation at, Func<string, string?> environment, IReadOnlyDictionary<string, string>? parameters, List<ValidationError> errors, ISet<string>? brokenParameters)
    {
        if (expression.StartsWith("params.", StringComparison.Ordinal))
        {
            string name = expression["params.".Length..];
            if (parameters is null)
            {
                errors.Add(new ValidationError($"'${{{expression}}}' cannot be used inside params", at));
                return string.Empty;
            }

            if (brokenParameters is not null && brokenParameters.Contains(name))
            {
                // Already reported where the parameter is declared; fail this value silently.
                errors.Add(new ValidationError(BrokenMarker, at));
                return string.Empty;
            }

            if (parameters.TryGetValue(name, out string? parameter))
            {
                return parameter;
            }

            errors.Add(new ValidationError($"unknown parameter '{name}'{Names.DidYouMean(name, parameters.Keys)}", at));
            return string.Empty;
        }

        string variable = expression;
        string? fallback = null;
        string? requiredMessage = null;
        int colon = expression.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && colon + 1 < expression.Length && expression[colon + 1] == '-')
        {
            variable = expression[..colon];
            fallback = expression[(colon + 2)..];
        }
        else if (colon >= 0 && colon + 1 < expression.Length && expression[colon + 1] == '?')
        {
            variable = expression[..colon];
            requiredMessage = expression[(colon + 2)..];
        }

        if (variable.Length == 0 || !variable.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            errors.Add(new ValidationError($"'${{{expression}}}' is not a valid environment variable or params reference", at));
            return string.Empty;
        }

        string? value = environment(variable);
        if (string.IsNullOrEmpty(value))
        {
            if (fallback is not null)
            {
                return fallback;
            }

            errors.Add(new ValidationError(
                requiredMessage is { Length: > 0 }
                    ? $"environment variable {variable} is not set: {requiredMessage}"
                    : $"environment variable {variable} is not set and has no default (write ${{{variable}:-default}})",
                at));
            return string.Empty;
        }

        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            errors.Add(new ValidationError($"environment variable {variable} contains a line break", at));
            return string.Empty;
        }

        return value;
    }
}
