using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="TempoBlock"/>.</summary>
[ProducesMetadata(TempoBlock.BpmKey, TempoBlock.ConfidenceKey, TempoBlock.BeatsKey, TempoBlock.DownbeatsKey)]
public sealed class TempoOptions : IBlockOptions
{
    /// <summary>The slowest tempo reported, BPM.</summary>
    [Range(20, 400)]
    [Description("Slowest tempo reported, BPM.")]
    public double MinBpm { get; init; } = 60;

    /// <summary>The fastest tempo reported, BPM.</summary>
    [Range(20, 400)]
    [Description("Fastest tempo reported, BPM.")]
    public double MaxBpm { get; init; } = 180;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        if (MaxBpm <= MinBpm * 1.2)
        {
            errors.Add("max_bpm", $"must be more than 1.2 times min_bpm ({MinBpm.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}

/// <summary>
/// <c>tempo</c>: finds a clip's tempo and beats (see <see cref="BeatTracker"/>) and passes the clip on unchanged with
/// metadata <c>bpm</c> (omitted when there is no beat), <c>tempo_confidence</c>, and <c>beats</c> and <c>downbeats</c>
/// as comma-separated seconds (3 decimals).
/// </summary>
public sealed class TempoBlock(TempoOptions options) : SyncBlock<AudioClip, AudioClip>
{
    /// <summary>Metadata key of the tempo in beats per minute (double; absent when no beat was found).</summary>
    public const string BpmKey = "bpm";

    /// <summary>Metadata key of the tracker's confidence, 0 to 1 (double).</summary>
    public const string ConfidenceKey = "tempo_confidence";

    /// <summary>Metadata key of the beat times, comma-separated seconds (string, empty when no beat).</summary>
    public const string BeatsKey = "beats";

    /// <summary>Metadata key of the downbeat times, comma-separated seconds (string, empty when no beat).</summary>
    public const string DownbeatsKey = "downbeats";

    private readonly BeatTracker _tracker = new(options.MinBpm, options.MaxBpm);

    /// <summary>Seconds as written into metadata: "0.512,1.024" (invariant culture, 3 decimals).</summary>
    public static string FormatTimes(IReadOnlyList<double> seconds) =>
        string.Join(',', seconds.Select(time => time.ToString("0.000", CultureInfo.InvariantCulture)));

    /// <inheritdoc/>
    protected override AudioClip Process(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        TempoEstimate estimate = _tracker.Analyze(input, cancellationToken);
        if (estimate.Bpm is double bpm)
        {
            context.OutputMetadata[BpmKey] = bpm;
        }

        context.OutputMetadata[ConfidenceKey] = estimate.Confidence;
        context.OutputMetadata[BeatsKey] = FormatTimes(estimate.Beats);
        context.OutputMetadata[DownbeatsKey] = FormatTimes(estimate.Downbeats);
        return input;
    }
}
