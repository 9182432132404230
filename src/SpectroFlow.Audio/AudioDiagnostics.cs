namespace SpectroFlow.Audio;

/// <summary>
/// What degrades the audio library on this machine (e.g. a missing native library with a slower fallback), as facts
/// to report, not state: the CLI logs them once per command.
/// </summary>
public static class AudioDiagnostics
{
    /// <summary>One line per problem; empty when everything runs at full speed.</summary>
    public static IReadOnlyList<string> Problems() => Dsp.RealFft.IsFftwAvailable
        ? []
        : [$"{Dsp.FftwNative.LibraryName} not found: using a much slower managed FFT (apt-get install {Dsp.FftwNative.AptPackage} for full speed)"];
}
