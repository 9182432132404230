using System.Globalization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Analysis;

/// <summary>
/// The item metadata the <c>tempo</c> block writes and the rhythmic blocks read: <c>bpm</c> (number, absent without a
/// beat), <c>tempo_confidence</c>, and <c>beats</c> / <c>downbeats</c> as comma-separated seconds with 3 decimals.
/// </summary>
public static class TempoMetadata
{
    /// <summary>Beats per minute (absent when no beat was found).</summary>
    public const string BpmKey = "bpm";

    /// <summary>The tracker's confidence, 0 to 1.</summary>
    public const string ConfidenceKey = "tempo_confidence";

    /// <summary>Beat times in seconds, comma-separated.</summary>
    public const string BeatsKey = "beats";

    /// <summary>Downbeat times in seconds, comma-separated.</summary>
    public const string DownbeatsKey = "downbeats";

    /// <summary>Writes <paramref name="estimate"/> into <paramref name="metadata"/>.</summary>
    public static void Write(TempoEstimate estimate, IDictionary<string, object> metadata)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(metadata);
        if (estimate.Bpm is { } bpm)
        {
            metadata[BpmKey] = Math.Round(bpm, 2);
        }

        metadata[ConfidenceKey] = Math.Round(estimate.Confidence, 3);
        metadata[BeatsKey] = Times(estimate.Beats);
        metadata[DownbeatsKey] = Times(estimate.Downbeats);
    }

    /// <summary>The estimate a <c>tempo</c> block stored on <paramref name="item"/>, or null when none ran upstream.</summary>
    public static TempoEstimate? Read(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!item.Metadata.TryGetValue(ConfidenceKey, out object? confidence))
        {
            return null;
        }

        double? bpm = item.Metadata.TryGetValue(BpmKey, out object? value) ? Convert.ToDouble(value, CultureInfo.InvariantCulture) : null;
        double[] beats = Parse(item.Metadata.GetValueOrDefault(BeatsKey));
        double[] downbeats = Parse(item.Metadata.GetValueOrDefault(DownbeatsKey));
        return bpm is null || beats.Length == 0
            ? TempoEstimate.None
            : new TempoEstimate(bpm, Convert.ToDouble(confidence, CultureInfo.InvariantCulture), beats, downbeats);
    }

    /// <summary>The stored estimate of <paramref name="item"/>, or the tracker's on <paramref name="clip"/>.</summary>
    public static TempoEstimate ReadOrAnalyze(WorkItem item, AudioClip clip, CancellationToken cancellationToken) =>
        Read(item) ?? new BeatTracker().Analyze(clip, cancellationToken);

    /// <summary>Reads the stored estimate of a part, or analyses its audio.</summary>
    public static TempoEstimate ReadOrAnalyze(Part<AudioClip> part, CancellationToken cancellationToken) =>
        ReadOrAnalyze(part.Item, part.Payload, cancellationToken);

    private static string Times(IReadOnlyList<double> times) =>
        string.Join(",", times.Select(t => t.ToString("0.000", CultureInfo.InvariantCulture)));

    private static double[] Parse(object? text) =>
        text is string s && s.Length > 0
            ? [.. s.Split(',').Select(t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture))]
            : [];
}
