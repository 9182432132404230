using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Analysis;

/// <summary>Finds the tempo, beats and downbeats of audio (placeholder until the tracker lands: finds no beat).</summary>
public sealed class BeatTracker
{
    private readonly int _placeholder = 0;

    /// <summary>Analyses <paramref name="clip"/> (any rate and channel count).</summary>
    public TempoEstimate Analyze(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        cancellationToken.ThrowIfCancellationRequested();
        return _placeholder == 0 ? TempoEstimate.None : TempoEstimate.None;
    }
}
