using System.Globalization;
using System.Text.Json;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Reporting;

/// <summary>Counts at the top of a listening report.</summary>
/// <param name="Items">Source items in the manifest.</param>
/// <param name="Outputs">Output files recorded for them.</param>
/// <param name="Skipped">Items the run skipped as already done, or null when not known (a report made after the run).</param>
/// <param name="Errors">Error records.</param>
public sealed record ReportSummary(int Items, int Outputs, long? Skipped, int Errors);

/// <summary>One output file of a listening report.</summary>
/// <param name="Path">Relative to the output root, '/' separators, as the manifest records it.</param>
/// <param name="Item">Key of the item written, or null in older manifests.</param>
/// <param name="Metadata">The item's metadata as text (numbers in invariant culture), sorted by name.</param>
/// <param name="Bpm">Tempo from the metadata (<c>bpm</c>), or null.</param>
/// <param name="TempoConfidence">Tempo confidence from the metadata (<c>tempo_confidence</c>), or null.</param>
public sealed record ReportOutput(string Path, string? Item, IReadOnlyList<KeyValuePair<string, string>> Metadata, double? Bpm, double? TempoConfidence);

/// <summary>One source item of a listening report.</summary>
/// <param name="Key">The source item's key.</param>
/// <param name="Status"><c>ok</c> or <c>failed</c>.</param>
/// <param name="Outputs">Its output files.</param>
/// <param name="Errors">Its error records (<c>step: item: reason</c>).</param>
public sealed record ReportItem(string Key, string Status, IReadOnlyList<ReportOutput> Outputs, IReadOnlyList<string> Errors);

/// <summary>What a listening report shows: the manifest of an output root, item by item.</summary>
/// <param name="OutputRoot">Absolute output root (report.html goes there; links are relative to it).</param>
/// <param name="ManifestFile">The manifest it was read from.</param>
/// <param name="Summary">Counts.</param>
/// <param name="Items">Items sorted by key.</param>
public sealed record ListeningReport(string OutputRoot, string ManifestFile, ReportSummary Summary, IReadOnlyList<ReportItem> Items)
{
    /// <summary>The report's file name in the output root.</summary>
    public const string FileName = "report.html";

    /// <summary>The folder beside report.html that holds its thumbnails.</summary>
    public const string FilesFolder = "report_files";

    /// <summary>
    /// Reads the manifest of <paramref name="outputRoot"/>: <paramref name="manifestPath"/>, else <c>manifest.jsonl</c>, else
    /// the shard manifests found there (together).
    /// </summary>
    /// <param name="outputRoot">The run's output root.</param>
    /// <param name="manifestPath">A manifest to read instead of the root's.</param>
    /// <param name="skipped">Items the run skipped, when the report is made by the run.</param>
    /// <exception cref="SpectroFlowException">No manifest is found.</exception>
    public static ListeningReport Read(string outputRoot, string? manifestPath = null, long? skipped = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputRoot);
        string root = Path.GetFullPath(outputRoot);
        List<string> files = manifestPath is not null
            ? [Path.GetFullPath(manifestPath)]
            : File.Exists(Path.Combine(root, RunManifest.FileName(null)))
                ? [Path.Combine(root, RunManifest.FileName(null))]
                : Directory.Exists(root) ? [.. Directory.GetFiles(root, "manifest.shard-*.jsonl").Order(StringComparer.Ordinal)] : [];
        if (files.Count == 0 || !files.All(File.Exists))
        {
            throw new SpectroFlowException($"{manifestPath ?? root}: no run manifest found (manifest.jsonl); run a recipe into this folder first");
        }

        var entries = new SortedDictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            foreach (ManifestEntry entry in RunManifest.Read(file).Entries)
            {
                entries[entry.Key] = entry;
            }
        }

        var items = new List<ReportItem>(entries.Count);
        foreach (ManifestEntry entry in entries.Values)
        {
            IReadOnlyList<ManifestOutput> outputs = entry.Outputs ?? [];
            items.Add(new ReportItem(
                entry.Key,
                entry.Status ?? RunManifest.Failed,
                [.. outputs.OrderBy(o => o.Path, StringComparer.Ordinal).Select(ToOutput)],
                entry.Errors ?? []));
        }

        var summary = new ReportSummary(items.Count, items.Sum(i => i.Outputs.Count), skipped, items.Sum(i => i.Errors.Count));
        return new ListeningReport(root, files.Count == 1 ? files[0] : root, summary, items);
    }

    private static ReportOutput ToOutput(ManifestOutput output)
    {
        var metadata = new List<KeyValuePair<string, string>>();
        double? bpm = null;
        double? confidence = null;
        if (output.Metadata is not null)
        {
            foreach ((string name, object value) in output.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                metadata.Add(new(name, Text(value)));
                if (name == "bpm")
                {
                    bpm = Number(value);
                }
                else if (name == "tempo_confidence")
                {
                    confidence = Number(value);
                }
            }
        }

        return new ReportOutput(output.Path, output.Item, metadata, bpm, confidence);
    }

    private static string Text(object? value) => value switch
    {
        null => "null",
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement { ValueKind: JsonValueKind.Null } => "null",
        JsonElement e => e.GetRawText(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static double? Number(object? value) => value switch
    {
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } e when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        double d => d,
        IConvertible c and not string => c.ToDouble(CultureInfo.InvariantCulture),
        _ => null,
    };
}
