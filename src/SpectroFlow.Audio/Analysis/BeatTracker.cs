using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Analysis;

/// <summary>Finds the tempo, beats and downbeats of audio (placeholder until the tracker lands: finds no beat).</summary>
/// <param name="minBpm">The slowest tempo reported.</param>
/// <param name="maxBpm">The fastest tempo reported.</param>
public sealed class BeatTracker(double minBpm = 60, double maxBpm = 180)
{
    /// <summary>Analyses <paramref name="clip"/> (any rate and channel count).</summary>
    public TempoEstimate Analyze(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        cancellationToken.ThrowIfCancellationRequested();
        return minBpm < maxBpm ? TempoEstimate.None : TempoEstimate.None;
    }
}
