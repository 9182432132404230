using System.Globalization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Datasets.Captions;

namespace SpectroFlow.Datasets.Writing;

/// <summary>One image of the dataset, as the manifest records it.</summary>
/// <param name="Path">Relative to the output root.</param>
/// <param name="Source">The source item (track) key.</param>
/// <param name="Metadata">The written item's metadata.</param>
/// <param name="Caption">Its caption.</param>
internal sealed record DatasetImage(string Path, string Source, IReadOnlyDictionary<string, object> Metadata, string Caption)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>One source track with at least one dataset image, and what the credits say about it.</summary>
internal sealed record DatasetTrack(string Key, IReadOnlyList<DatasetImage> Images)
{
    private IReadOnlyDictionary<string, object> Metadata => Images[0].Metadata;

    public string JamendoId => Text(DatasetKeys.JamendoId);

    public string Title => Text(DatasetKeys.Title) is { Length: > 0 } title ? title : SourceFileName;

    public string Artist => Text(DatasetKeys.Artist);

    public string Album => Text(DatasetKeys.Album);

    public string TrackUrl => Text(DatasetKeys.TrackUrl);

    public string LicenseUrl => Text(DatasetKeys.LicenseUrl);

    /// <summary>The licence's short name, from the metadata or the Creative Commons deed URL; empty when unknown.</summary>
    public string License => Text(DatasetKeys.License) is { Length: > 0 } license ? license : LicenseFromUrl(LicenseUrl);

    /// <summary>The source file's name (from the key within its input, else the key).</summary>
    public string SourceFileName
    {
        get
        {
            string path = Text(WorkItem.Keys.InputKey) is { Length: > 0 } inputKey ? inputKey : Key;
            return System.IO.Path.GetFileName(path.Replace('\\', '/').TrimEnd('/')) is { Length: > 0 } name ? name : Key;
        }
    }

    /// <summary>The first tempo its images state, or null.</summary>
    public double? Bpm
    {
        get
        {
            foreach (DatasetImage image in Images)
            {
                if (Number(image.Metadata, DatasetKeys.Bpm) is { } bpm)
                {
                    return bpm;
                }
            }

            return null;
        }
    }

    /// <summary>The track's duration: stated, else the end of its last slice, else its slices × 5.119 s.</summary>
    public double DurationSeconds
    {
        get
        {
            if (Number(Metadata, DatasetKeys.TrackDurationSeconds) is { } stated)
            {
                return stated;
            }

            double end = 0;
            foreach (DatasetImage image in Images)
            {
                end = Math.Max(end, (Number(image.Metadata, DatasetKeys.EndMs) ?? 0) / 1000);
            }

            return end > 0 ? end : Images.Count * 5.119;
        }
    }

    public static double? Number(IReadOnlyDictionary<string, object> metadata, string key) =>
        metadata.TryGetValue(key, out object? value) && value is double or long or int or float
            ? Convert.ToDouble(value, CultureInfo.InvariantCulture)
            : null;

    public static string Text(IReadOnlyDictionary<string, object> metadata, string key) =>
        metadata.TryGetValue(key, out object? value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim() ?? string.Empty
            : string.Empty;

    /// <summary><c>https://creativecommons.org/licenses/by-nc-sa/3.0/</c> → <c>CC BY-NC-SA 3.0</c>; anything else → empty.</summary>
    public static string LicenseFromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || !uri.Host.EndsWith("creativecommons.org", StringComparison.OrdinalIgnoreCase))
        {
            return string.Empty;
        }

        string[] segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length >= 2 && segments[0] == "licenses")
        {
            string kind = segments[1].ToUpperInvariant();
            return segments.Length >= 3 ? $"CC {kind} {segments[2]}" : $"CC {kind}";
        }

        return segments.Length >= 2 && segments[0] == "publicdomain" ? $"CC0 {(segments.Length >= 3 ? segments[2] : string.Empty)}".Trim() : string.Empty;
    }

    private string Text(string key) => Text(Metadata, key);
}

/// <summary>What a run's outcome holds for one dataset writer: its images by track, errors and what was left out.</summary>
internal sealed class DatasetContents
{
    private DatasetContents(IReadOnlyList<DatasetTrack> tracks, IReadOnlyList<DatasetImage> images, IReadOnlyList<(string Step, int Count)> errors, IReadOnlyList<(string Step, string Reason, int Count)> leftOut, int failedItems, int sourceItems, bool complete)
    {
        Tracks = tracks;
        Images = images;
        Errors = errors;
        LeftOut = leftOut;
        FailedItems = failedItems;
        SourceItems = sourceItems;
        Complete = complete;
    }

    /// <summary>Tracks with at least one image, by key (ordinal).</summary>
    public IReadOnlyList<DatasetTrack> Tracks { get; }

    /// <summary>Every image, by path (ordinal).</summary>
    public IReadOnlyList<DatasetImage> Images { get; }

    /// <summary>Error lines counted by step, by step.</summary>
    public IReadOnlyList<(string Step, int Count)> Errors { get; }

    /// <summary>Every error line (<c>step: item: reason</c>), sorted.</summary>
    public IReadOnlyList<string> ErrorLines { get; private init; } = [];

    /// <summary>Left-out records counted by step and reason.</summary>
    public IReadOnlyList<(string Step, string Reason, int Count)> LeftOut { get; }

    /// <summary>Source items with an error.</summary>
    public int FailedItems { get; }

    /// <summary>Source items the manifest records.</summary>
    public int SourceItems { get; }

    /// <summary>Whether every input was listed to its end.</summary>
    public bool Complete { get; }

    public int ErrorCount
    {
        get
        {
            int count = 0;
            foreach ((_, int n) in Errors)
            {
                count += n;
            }

            return count;
        }
    }

    /// <summary>Gathers the images step <paramref name="stepId"/> wrote (only those) from <paramref name="outcome"/>.</summary>
    public static DatasetContents From(RunOutcome outcome, string stepId, CaptionTemplate caption, string? instancePrefix)
    {
        var tracks = new List<DatasetTrack>();
        var images = new List<DatasetImage>();
        var errors = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var leftOut = new SortedDictionary<(string, string), int>(Comparer<(string, string)>.Create((a, b) =>
            string.CompareOrdinal(a.Item1, b.Item1) is var c and not 0 ? c : string.CompareOrdinal(a.Item2, b.Item2)));
        foreach (LeftOutRecord record in outcome.LeftOut)
        {
            Increment(leftOut, (record.Step, record.Reason));
        }

        // A file made from several source items is recorded under each of them: it is one image of the first.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var errorLines = new List<string>();
        int failed = 0;
        var items = new List<FinishedItem>(outcome.Items);
        items.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        foreach (FinishedItem item in items)
        {
            failed += item.Ok ? 0 : 1;
            foreach (string error in item.Errors)
            {
                errorLines.Add(error);
                int colon = error.IndexOf(": ", StringComparison.Ordinal);
                Increment(errors, colon > 0 ? error[..colon] : "?");
            }

            foreach (LeftOutRecord record in item.LeftOut)
            {
                Increment(leftOut, (record.Step, record.Reason));
            }

            var own = new List<DatasetImage>();
            foreach (FinishedOutput output in item.Outputs)
            {
                if (output.Step != stepId || !output.Path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || !seen.Add(output.Path))
                {
                    continue;
                }

                string text = output.Metadata.TryGetValue(WriteDatasetBlock.CaptionKey, out object? recorded) && recorded is string s
                    ? s
                    : caption.Render(output.Metadata, instancePrefix);
                own.Add(new DatasetImage(output.Path, item.Key, output.Metadata, text));
            }

            if (own.Count > 0)
            {
                own.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                tracks.Add(new DatasetTrack(item.Key, own));
                images.AddRange(own);
            }
        }

        images.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var errorList = new List<(string, int)>();
        foreach ((string step, int count) in errors)
        {
            errorList.Add((step, count));
        }

        var leftOutList = new List<(string, string, int)>();
        foreach (((string step, string reason), int count) in leftOut)
        {
            leftOutList.Add((step, reason, count));
        }

        errorLines.Sort(StringComparer.Ordinal);
        return new DatasetContents(tracks, images, errorList, leftOutList, failed, items.Count, outcome.Complete) { ErrorLines = errorLines };
    }

    private static void Increment<TKey>(SortedDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        counts[key] = counts.TryGetValue(key, out int count) ? count + 1 : 1;
    }
}
