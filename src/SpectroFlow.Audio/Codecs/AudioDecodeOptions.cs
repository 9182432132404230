namespace SpectroFlow.Audio.Codecs;

/// <summary>Limits and tools used by <see cref="AudioDecoder"/>.</summary>
public sealed class AudioDecodeOptions
{
    /// <summary>The default <see cref="MaxSamples"/>: four hours of stereo audio at 48 kHz (about 5.5 GB of floats).</summary>
    public const long DefaultMaxSamples = 4L * 3600 * 48_000 * 2;

    /// <summary>The options used when none are given.</summary>
    public static AudioDecodeOptions Default { get; } = new();

    /// <summary>
    /// The most samples (frames times channels) a file may decode to. Larger files are refused with an
    /// <see cref="SpectroFlow.Core.Errors.InvalidAudioException"/> instead of running out of memory.
    /// </summary>
    public long MaxSamples { get; init; } = DefaultMaxSamples;

    /// <summary>
    /// The ffmpeg executable used for FLAC and other formats without a managed decoder; <see langword="null"/>
    /// searches the PATH. A path that does not exist counts as "ffmpeg is not installed".
    /// </summary>
    public string? FfmpegPath { get; init; }

    /// <summary>
    /// Receives each problem the decoder noticed and worked around (damaged data skipped, with the time range lost; a
    /// file cut short), as one line without the file name, when it is noticed; <see langword="null"/> ignores them
    /// (they are also in <see cref="AudioStreamReader.Warnings"/>).
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>
    /// The run's cancellation: when it is cancelled, an ffmpeg child that stops (a terminal's Ctrl+C, or the reader
    /// being disposed) is reported as <see cref="OperationCanceledException"/>, not as a file that cannot be decoded.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }
}
