using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="TempoBlock"/>.</summary>
[ProducesMetadata(TempoMetadata.BpmKey, TempoMetadata.ConfidenceKey, TempoMetadata.BeatsKey, TempoMetadata.DownbeatsKey)]
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
/// as comma-separated seconds (3 decimals), as <see cref="TempoMetadata"/> writes and the rhythmic blocks read them.
/// </summary>
public sealed class TempoBlock(TempoOptions options) : SyncBlock<AudioClip, AudioClip>
{
    private readonly BeatTracker _tracker = new(options.MinBpm, options.MaxBpm);

    /// <inheritdoc/>
    protected override AudioClip Process(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        TempoMetadata.Write(_tracker.Analyze(input, cancellationToken), context.OutputMetadata);
        return input;
    }
}
