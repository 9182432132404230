using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>The first line of a run manifest: what produced the outputs.</summary>
/// <param name="RecipeSha256">SHA-256 of the plan after interpolation and overrides (steps, bound options, params, seed).</param>
/// <param name="ToolVersion">The spectroflow version.</param>
/// <param name="Params">Parameter values after overrides.</param>
/// <param name="Seed">The recipe seed.</param>
/// <param name="Shard">The shard (<c>i/N</c>), or null for an unsharded or merged manifest.</param>
public sealed record ManifestHeader(string RecipeSha256, string ToolVersion, IReadOnlyDictionary<string, string> Params, ulong Seed, string? Shard)
{
    /// <summary>Always <c>header</c>.</summary>
    public string Kind { get; init; } = "header";
}

/// <summary>One output file of a manifest entry.</summary>
/// <param name="Path">Relative to the output root, '/' separators.</param>
/// <param name="Sha256">Lower-case hex SHA-256.</param>
/// <param name="Item">Key of the item that was written (<c>song.wav#3</c> for a clip), or null in older manifests.</param>
/// <param name="Metadata">
/// That item's metadata when it was written (source path, clip index and time span, tags, and what later blocks add:
/// tempo, caption, licence), or null in older manifests.
/// </param>
public sealed record ManifestOutput(string Path, string Sha256, string? Item = null, IReadOnlyDictionary<string, object>? Metadata = null)
{
    /// <summary>The step that wrote it, or null in older manifests.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Step { get; init; }
}

/// <summary>One source item once all of its descendants have finished.</summary>
/// <param name="Key">The source item's key.</param>
/// <param name="InputSha256">SHA-256 of the input (the file content for file sources).</param>
/// <param name="Seed">The item's seed.</param>
/// <param name="Status"><c>ok</c> or <c>failed</c>.</param>
/// <param name="Outputs">Files written for it (by it or its descendants).</param>
/// <param name="Errors">Error records (<c>step: item: reason</c>).</param>
public sealed record ManifestEntry(string Key, string InputSha256, ulong Seed, string Status, IReadOnlyList<ManifestOutput> Outputs, IReadOnlyList<string> Errors)
{
    /// <summary>Always <c>item</c>.</summary>
    public string Kind { get; init; } = "item";

    /// <summary>
    /// Other source items this one was combined with (a crossfade's other song, the neighbours of a window across
    /// songs), or null: a resumed run redoes the whole group unless every member is up to date.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Group { get; init; }

    /// <summary>
    /// Source items used as a shared reference (the one mask or prompt) with their input SHA-256, or null: a change to
    /// one redoes this item.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? References { get; init; }

    /// <summary>What steps left out of this item and why (near-silent slices), or null: kept so a resumed run's reports still count them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<LeftOutRecord>? LeftOut { get; init; }
}

/// <summary>Reads, writes, checks and merges <c>manifest.jsonl</c> files (JSON lines: a header, then one line per item).</summary>
public static class RunManifest
{
    /// <summary>Status of an item with no error.</summary>
    public const string Ok = "ok";

    /// <summary>Status of an item with at least one error.</summary>
    public const string Failed = "failed";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        WriteIndented = false,
    };

    /// <summary><c>manifest.jsonl</c>, or <c>manifest.shard-I-of-N.jsonl</c> for a shard (shards may share an output root).</summary>
    public static string FileName(ShardSpec? shard) =>
        shard is null ? "manifest.jsonl" : string.Create(CultureInfo.InvariantCulture, $"manifest.shard-{shard.Index}-of-{shard.Count}.jsonl");

    /// <summary>Reads a manifest; lines that do not parse (a line cut short by a crash) are ignored; the last line per key wins.</summary>
    public static (ManifestHeader? Header, IReadOnlyList<ManifestEntry> Entries) Read(string path)
    {
        ManifestHeader? header = null;
        var entries = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return (null, []);
        }

        foreach (string line in File.ReadLines(path))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                string? kind = document.RootElement.TryGetProperty("kind", out JsonElement k) ? k.GetString() : null;
                if (kind == "header")
                {
                    header ??= document.RootElement.Deserialize<ManifestHeader>(s_json);
                }
                else if (kind == "item" && document.RootElement.Deserialize<ManifestEntry>(s_json) is { Key: not null } entry)
                {
                    entries[entry.Key] = entry;
                }
            }
            catch (JsonException)
            {
                // A partial line (killed mid-write) or garbage: the item is redone.
            }
        }

        return (header, [.. entries.Values]);
    }

    /// <summary>Writes a whole manifest atomically (sorted by key).</summary>
    public static void Write(string path, ManifestHeader header, IEnumerable<ManifestEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        text.Append(JsonSerializer.Serialize(header, s_json)).Append('\n');
        foreach (ManifestEntry entry in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append(JsonSerializer.Serialize(entry, s_json)).Append('\n');
        }

        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>One manifest line (without the line break).</summary>
    public static string ToLine(ManifestEntry entry) => JsonSerializer.Serialize(entry, s_json);

    /// <summary>
    /// True when <paramref name="entry"/> can be reused: status ok, same input and recipe hashes, and every output still
    /// exists under <paramref name="outputRoot"/> with its recorded hash.
    /// </summary>
    public static bool IsReusable(ManifestEntry entry, string previousRecipeSha256, string recipeSha256, string inputSha256, string outputRoot)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Status == Ok
            && previousRecipeSha256 == recipeSha256
            && entry.InputSha256 == inputSha256
            && entry.Outputs is not null
            && entry.Outputs.All(o => HashFileOrNull(Path.Combine(outputRoot, o.Path)) == o.Sha256);
    }

    /// <summary>
    /// Metadata as plain values (string, long, double, bool; lists and objects as their JSON text), whether it was read
    /// back from a manifest (JSON elements) or is still the item's own.
    /// </summary>
    public static IReadOnlyDictionary<string, object> PlainMetadata(IReadOnlyDictionary<string, object>? metadata)
    {
        var plain = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach ((string key, object value) in metadata ?? new Dictionary<string, object>())
        {
            object? converted = value is JsonElement element ? FromJson(element) : value;
            if (converted is not null)
            {
                plain[key] = converted;
            }
        }

        return plain;
    }

    private static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.TryGetInt64(out long whole) ? whole : element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element.GetRawText(),
    };

    /// <summary>Joins shard manifests into <paramref name="output"/>: headers must agree (recipe, version, params, seed); duplicate keys are rejected.</summary>
    /// <exception cref="SpectroFlowException">A header is missing or differs, or a key appears twice.</exception>
    public static int Merge(string output, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ManifestHeader? first = null;
        var all = new Dictionary<string, (ManifestEntry Entry, string File)>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (string input in inputs)
        {
            if (!File.Exists(input))
            {
                problems.Add($"{input}: not found");
                continue;
            }

            (ManifestHeader? header, IReadOnlyList<ManifestEntry> entries) = Read(input);
            if (header is null)
            {
                problems.Add($"{input}: no header line");
                continue;
            }

            first ??= header;
            if (header.RecipeSha256 != first.RecipeSha256 || header.ToolVersion != first.ToolVersion || header.Seed != first.Seed
                || !header.Params.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(first.Params.OrderBy(p => p.Key, StringComparer.Ordinal)))
            {
                problems.Add($"{input}: header differs from {inputs[0]} (recipe, tool version, params or seed)");
                continue;
            }

            foreach (ManifestEntry entry in entries)
            {
                if (!all.TryAdd(entry.Key, (entry, input)))
                {
                    problems.Add($"{input}: key '{entry.Key}' already in {all[entry.Key].File}");
                }
            }
        }

        if (problems.Count > 0 || first is null)
        {
            throw new SpectroFlowException(problems.Count > 0 ? string.Join(Environment.NewLine, problems) : "no manifest to merge");
        }

        Write(output, first with { Shard = null }, all.Values.Select(v => v.Entry));
        return all.Count;
    }

    /// <summary>Lower-case hex SHA-256 of a file, or null when it does not exist.</summary>
    public static string? HashFileOrNull(string path)
    {
        try
        {
            using FileStream stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>SHA-256 of the plan after interpolation and overrides: seed, params, steps with their bound options.</summary>
    public static string RecipeHash(RunPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"seed={plan.Seed}\n");
        foreach (KeyValuePair<string, string> pair in plan.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"param {pair.Key}={pair.Value}\n");
        }

        foreach (PlannedStep step in plan.Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"step {step.Id} {step.Block.Name} <- {string.Join(',', step.Upstream)}\n");
            foreach (Registry.OptionProperty option in step.Block.Options)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {option.Key}={Format(option.Property.GetValue(step.Options))}\n");
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        string s => JsonSerializer.Serialize(s),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(",", e.Cast<object?>().Select(Format)) + "]",
        _ => JsonSerializer.Serialize(value.ToString()),
    };
}
