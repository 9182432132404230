namespace SpectroFlow.Audio.Analysis;

/// <summary>
/// The tempo and beat grid of a piece of audio. Without a beat (silence, noise, sustained chords, speech),
/// <see cref="Bpm"/> is null, <see cref="Confidence"/> is 0 and there are no beats.
/// </summary>
/// <param name="Bpm">Beats per minute, or null when no beat was found.</param>
/// <param name="Confidence">How sure the tracker is of a steady beat, 0 to 1.</param>
/// <param name="Beats">Beat times in seconds from the start of the audio, ascending.</param>
/// <param name="Downbeats">The beats that start a bar (a subset of <paramref name="Beats"/>), ascending.</param>
public sealed record TempoEstimate(double? Bpm, double Confidence, IReadOnlyList<double> Beats, IReadOnlyList<double> Downbeats)
{
    /// <summary>No beat found.</summary>
    public static TempoEstimate None { get; } = new(null, 0, [], []);

    /// <summary>True when a beat was found.</summary>
    public bool HasBeat => Bpm is not null && Beats.Count > 0;
}
