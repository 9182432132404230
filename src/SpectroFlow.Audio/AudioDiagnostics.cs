namespace SpectroFlow.Audio;

/// <summary>Where the audio library reports degraded operation (e.g. a missing native library with a slower fallback).</summary>
public static class AudioDiagnostics
{
    /// <summary>Receives one-line warnings; the CLI routes them to its logger. Null drops them.</summary>
    public static Action<string>? Warning { get; set; }
}
