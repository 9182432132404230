namespace SpectroFlow.Engine.Recipes;

/// <summary>Limits and inputs of recipe loading. The defaults are safe for untrusted files.</summary>
public sealed record RecipeLoadSettings
{
    /// <summary>Largest recipe accepted, in bytes, the recipe and every file it includes together (default 1 MiB).</summary>
    public long MaxBytes { get; init; } = 1 << 20;

    /// <summary>Deepest nesting of mappings and sequences accepted (default 32).</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Most <c>*alias</c> references accepted, in the recipe and its includes together (default 16).</summary>
    public int MaxAliases { get; init; } = 16;

    /// <summary>Most nodes once every alias is expanded, in the recipe and its includes together (default 10,000): stops "billion laughs" documents.</summary>
    public int MaxNodes { get; init; } = 10_000;

    /// <summary>Most files a recipe may include, directly or through other includes (default 32).</summary>
    public int MaxIncludes { get; init; } = 32;

    /// <summary>Longest scalar accepted, in characters (default 64 KiB).</summary>
    public int MaxScalarLength { get; init; } = 64 * 1024;

    /// <summary>Environment lookup for <c>${NAME:-default}</c> (default: the process environment).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary><c>--set</c> overrides: <c>seed</c> or a declared parameter name (optionally <c>params.</c>-prefixed) to its value.</summary>
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Replaces the recipe's <c>outputs.root</c> (e.g. from <c>--output</c>); relative to the current directory.</summary>
    public string? OutputRootOverride { get; init; }

    /// <summary>Parses <c>key=value</c> pairs from the command line; every malformed pair is reported.</summary>
    /// <exception cref="Core.Errors.RecipeException">One or more pairs have no '=' or an empty key.</exception>
    public static IReadOnlyDictionary<string, string> ParseOverrides(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var problems = new List<Core.Blocks.ValidationError>();
        foreach (string pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add(new Core.Blocks.ValidationError($"--set '{pair}': expected key=value"));
                continue;
            }

            result[pair[..equals].Trim()] = pair[(equals + 1)..];
        }

        return problems.Count > 0 ? throw new Core.Errors.RecipeException(problems) : result;
    }
}
