namespace SpectroFlow.Audio.Dsp;

/// <summary>Presets of the phase reconstruction's effort (see BENCHMARKS.md, "Sound quality").</summary>
public enum InversionQuality
{
    /// <summary>8 iterations: previews, about half the time of the default.</summary>
    Draft,

    /// <summary>The spectrogram parameters' iterations (32 for Riffusion).</summary>
    Default,

    /// <summary>256 iterations: the last few percent of spectral convergence, about 6x the time.</summary>
    High,
}

/// <summary>How the quality presets and explicit settings combine into one inversion's settings.</summary>
public static class InversionSettings
{
    /// <summary>Iterations of <see cref="InversionQuality.Draft"/>.</summary>
    public const int DraftIterations = 8;

    /// <summary>Iterations of <see cref="InversionQuality.High"/>.</summary>
    public const int HighIterations = 256;

    /// <summary>
    /// The iterations to run: <paramref name="explicitIterations"/> when given (an explicit count wins over a preset),
    /// else the preset's, where <see cref="InversionQuality.Default"/> is <paramref name="parameterIterations"/>.
    /// </summary>
    public static int Iterations(InversionQuality quality, int? explicitIterations, int parameterIterations) =>
        explicitIterations ?? quality switch
        {
            InversionQuality.Draft => DraftIterations,
            InversionQuality.High => HighIterations,
            _ => parameterIterations,
        };

    /// <summary>Lower-case name of <paramref name="phaseInit"/> as options and manifests spell it (<c>pghi</c>, <c>random</c>).</summary>
    public static string Name(PhaseInit phaseInit) => phaseInit.ToString().ToLowerInvariant();

    /// <summary>Lower-case name of <paramref name="quality"/> as options and manifests spell it (<c>draft</c>, <c>default</c>, <c>high</c>).</summary>
    public static string Name(InversionQuality quality) => quality.ToString().ToLowerInvariant();
}
