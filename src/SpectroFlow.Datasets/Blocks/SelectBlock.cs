using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Datasets.Blocks;

/// <summary>Which items <see cref="SelectOptions.Vocal"/> keeps, by their <c>vocalinstrumental</c> metadata.</summary>
public enum VocalSelection
{
    /// <summary>Every item (no condition).</summary>
    Any,

    /// <summary>Items whose <c>vocalinstrumental</c> is <c>instrumental</c>.</summary>
    Instrumental,

    /// <summary>Items whose <c>vocalinstrumental</c> is <c>vocal</c>.</summary>
    Vocal,
}

/// <summary>Options of <see cref="SelectBlock{T}"/>: conditions on item metadata, all of which an item must meet.</summary>
[ProducesMetadata]
public sealed class SelectOptions : IBlockOptions
{
    /// <summary>The slowest tempo kept, BPM (metadata <c>bpm</c>; items without one are left out).</summary>
    [Range(0, 1000)]
    [Description("Slowest tempo kept, BPM (metadata bpm; items without a tempo are left out).")]
    public double? MinBpm { get; init; }

    /// <summary>The fastest tempo kept, BPM (metadata <c>bpm</c>; items without one are left out).</summary>
    [Range(0, 1000)]
    [Description("Fastest tempo kept, BPM (metadata bpm; items without a tempo are left out).")]
    public double? MaxBpm { get; init; }

    /// <summary>The lowest tempo confidence kept (metadata <c>tempo_confidence</c>).</summary>
    [Range(0, 1)]
    [Description("Lowest tempo confidence kept (metadata tempo_confidence, 0 to 1).")]
    public double? MinTempoConfidence { get; init; }

    /// <summary>The shortest item kept, seconds (metadata <c>duration_seconds</c>, else <c>api_duration_seconds</c>).</summary>
    [Range(0, 1_000_000)]
    [Description("Shortest item kept, seconds (metadata duration_seconds, else api_duration_seconds).")]
    public double? MinSeconds { get; init; }

    /// <summary>The longest item kept, seconds (metadata <c>duration_seconds</c>, else <c>api_duration_seconds</c>).</summary>
    [Range(0, 1_000_000)]
    [Description("Longest item kept, seconds (metadata duration_seconds, else api_duration_seconds).")]
    public double? MaxSeconds { get; init; }

    /// <summary>Tags an item must all have (any case) among its <c>genres</c>, <c>instruments</c>, <c>vartags</c> and <c>tags</c>.</summary>
    [Description("Tags an item must all have (any case), among metadata genres, instruments, vartags and tags.")]
    public IReadOnlyList<string>? TagsAll { get; init; }

    /// <summary>Tags of which an item must have at least one (any case), from the same metadata as <see cref="TagsAll"/>.</summary>
    [Description("Tags of which an item must have one (any case), among metadata genres, instruments, vartags and tags.")]
    public IReadOnlyList<string>? TagsAny { get; init; }

    /// <summary>Licence kinds allowed (<c>by</c>, <c>by-sa</c>, <c>cc0</c>…; metadata <c>license_kind</c>); items without one pass.</summary>
    [Description("Licence kinds allowed, e.g. [by, by-sa, cc0] (metadata license_kind; items without one, local files, pass).")]
    public IReadOnlyList<string>? Licences { get; init; }

    /// <summary>Instrumental or vocal items only (metadata <c>vocalinstrumental</c>).</summary>
    [Description("instrumental or vocal items only, or any (metadata vocalinstrumental).")]
    public VocalSelection Vocal { get; init; } = VocalSelection.Any;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (MinBpm is null && MaxBpm is null && MinTempoConfidence is null && MinSeconds is null && MaxSeconds is null
            && TagsAll is null && TagsAny is null && Licences is null && Vocal == VocalSelection.Any)
        {
            errors.Add("needs at least one condition: min_bpm, max_bpm, min_tempo_confidence, min_seconds, max_seconds, tags_all, tags_any, licences or vocal");
        }

        CheckBounds(MinBpm, MaxBpm, "min_bpm", "max_bpm", errors);
        CheckBounds(MinSeconds, MaxSeconds, "min_seconds", "max_seconds", errors);
        CheckList(TagsAll, "tags_all", errors);
        CheckList(TagsAny, "tags_any", errors);
        CheckList(Licences, "licences", errors);
    }

    private static void CheckBounds(double? min, double? max, string minKey, string maxKey, ValidationErrors errors)
    {
        if (min < 0)
        {
            errors.Add(minKey, "must not be negative");
        }

        if (max < 0)
        {
            errors.Add(maxKey, "must not be negative");
        }

        if (min > max)
        {
            errors.Add(maxKey, $"must not be less than {minKey} ({SelectBlock.Format(min.Value)})");
        }
    }

    private static void CheckList(IReadOnlyList<string>? values, string key, ValidationErrors errors)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count == 0)
        {
            errors.Add(key, "must name at least one value");
        }

        foreach (string value in values)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(key, "must not contain an empty value");
                return;
            }
        }
    }
}

/// <summary>The metadata keys and reasons of <see cref="SelectBlock{T}"/>.</summary>
public static class SelectBlock
{
    /// <summary>Metadata keys read as comma-separated tag lists.</summary>
    public static readonly IReadOnlyList<string> TagKeys = ["genres", "instruments", "vartags", "tags"];

    /// <summary>A number as reasons and messages write it (invariant, shortest).</summary>
    internal static string Format(double value) => value.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>
    /// Why an item with <paramref name="metadata"/> is left out under <paramref name="options"/> (the first condition it
    /// fails, in option order), or null when it meets them all.
    /// </summary>
    public static string? Check(SelectOptions options, IReadOnlyDictionary<string, object> metadata)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metadata);
        if (options.MinBpm is not null || options.MaxBpm is not null)
        {
            if (Number(metadata, "bpm") is not { } bpm)
            {
                return "no tempo";
            }

            if (Outside(bpm, options.MinBpm, options.MaxBpm, "tempo", "bpm") is { } reason)
            {
                return reason;
            }
        }

        if (options.MinTempoConfidence is { } minConfidence)
        {
            if (Number(metadata, "tempo_confidence") is not { } confidence)
            {
                return "no tempo";
            }

            if (confidence < minConfidence)
            {
                return $"tempo confidence below {Format(minConfidence)}";
            }
        }

        if (options.MinSeconds is not null || options.MaxSeconds is not null)
        {
            if ((Number(metadata, "duration_seconds") ?? Number(metadata, "api_duration_seconds")) is not { } seconds)
            {
                return "no duration";
            }

            if (Outside(seconds, options.MinSeconds, options.MaxSeconds, "duration", "s") is { } reason)
            {
                return reason;
            }
        }

        if (options.TagsAll is not null || options.TagsAny is not null)
        {
            HashSet<string> tags = Tags(metadata);
            if (options.TagsAll is { } all)
            {
                var missing = new List<string>();
                foreach (string tag in all)
                {
                    if (!tags.Contains(tag.Trim()))
                    {
                        missing.Add(tag.Trim());
                    }
                }

                if (missing.Count > 0)
                {
                    return "missing tags: " + string.Join(", ", missing);
                }
            }

            if (options.TagsAny is { } any && !HasAny(tags, any))
            {
                return "none of tags: " + string.Join(", ", Trimmed(any));
            }
        }

        if (options.Licences is { } licences && Text(metadata, "license_kind") is { } kind && !Contains(licences, kind))
        {
            return $"licence {kind} not allowed";
        }

        if (options.Vocal != VocalSelection.Any)
        {
            string wanted = options.Vocal == VocalSelection.Vocal ? "vocal" : "instrumental";
            if (Text(metadata, "vocalinstrumental") is not { } vocal)
            {
                return "vocal/instrumental unknown";
            }

            if (!string.Equals(vocal, wanted, StringComparison.OrdinalIgnoreCase))
            {
                return "not " + wanted;
            }
        }

        return null;
    }

    /// <summary>
    /// A metadata value as a finite number: doubles, floats, integers, decimals, and strings parsed invariantly; null when
    /// absent, not a number, or not finite.
    /// </summary>
    public static double? Number(IReadOnlyDictionary<string, object> metadata, string key)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (!metadata.TryGetValue(key, out object? value))
        {
            return null;
        }

        double? number = value switch
        {
            double d => d,
            float f => f,
            long l => l,
            int i => i,
            decimal m => (double)m,
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => null,
        };
        return number is { } n && double.IsFinite(n) ? n : null;
    }

    private static string? Outside(double value, double? min, double? max, string what, string unit)
    {
        if (value >= (min ?? double.NegativeInfinity) && value <= (max ?? double.PositiveInfinity))
        {
            return null;
        }

        return (min, max) switch
        {
            ({ } lo, { } hi) => $"{what} outside {Format(lo)}-{Format(hi)} {unit}",
            ({ } lo, null) => $"{what} below {Format(lo)} {unit}",
            _ => $"{what} above {Format(max!.Value)} {unit}",
        };
    }

    private static string? Text(IReadOnlyDictionary<string, object> metadata, string key) =>
        metadata.TryGetValue(key, out object? value) && Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() is { Length: > 0 } text
            ? text
            : null;

    private static HashSet<string> Tags(IReadOnlyDictionary<string, object> metadata)
    {
        var tags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in TagKeys)
        {
            if (Text(metadata, key) is { } list)
            {
                foreach (string tag in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    tags.Add(tag);
                }
            }
        }

        return tags;
    }

    private static bool HasAny(HashSet<string> tags, IReadOnlyList<string> wanted)
    {
        foreach (string tag in wanted)
        {
            if (tags.Contains(tag.Trim()))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (string candidate in values)
        {
            if (string.Equals(candidate.Trim(), value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static List<string> Trimmed(IReadOnlyList<string> values)
    {
        var trimmed = new List<string>(values.Count);
        foreach (string value in values)
        {
            trimmed.Add(value.Trim());
        }

        return trimmed;
    }
}

/// <summary>
/// <c>select</c>: passes an item on unchanged when its metadata meets every condition of <see cref="SelectOptions"/>;
/// otherwise leaves it out with the first condition it fails as the reason (<c>tempo outside 90-130 bpm</c>,
/// <c>missing tags: rock</c>, <c>licence by-nc-nd not allowed</c>…).
/// </summary>
/// <typeparam name="T">The payload type, passed through.</typeparam>
public sealed class SelectBlock<T>(SelectOptions options) : IExpandingBlock<T, T>
    where T : notnull
{
    /// <inheritdoc/>
    public IAsyncEnumerable<ItemOutput<T>> ExpandAsync(T input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        if (SelectBlock.Check(options, context.Item.Metadata) is { } reason)
        {
            context.LeaveOut(reason);
            return Emit(default, false, cancellationToken);
        }

        return Emit(input, true, cancellationToken);
    }

    private static async IAsyncEnumerable<ItemOutput<T>> Emit(T? input, bool pass, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (pass)
        {
            yield return new ItemOutput<T>(input!);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
