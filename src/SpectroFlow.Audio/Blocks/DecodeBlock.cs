using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="DecodeBlock"/>.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey, WorkItem.Keys.DurationSeconds)]
public sealed class DecodeOptions : IBlockOptions
{
    /// <summary>The default <see cref="MaxMinutes"/>: half an hour (about 635 MB of stereo 44.1 kHz floats).</summary>
    public const double DefaultMaxMinutes = 30;

    /// <summary>
    /// The longest file decoded whole, in minutes; longer files fail (a whole file is held in memory, so this bounds the
    /// memory of a run; <c>decode-slices</c> cuts files of any length with bounded memory).
    /// </summary>
    [Range(0.01, 1440)]
    [Description("Longest file decoded whole, in minutes (longer files fail; decode-slices cuts files of any length).")]
    public double MaxMinutes { get; init; } = DefaultMaxMinutes;

    /// <summary>Seconds skipped at the start of the file (null: none); a start past the end fails the file.</summary>
    [Description("Seconds skipped at the start of the file (a start past the end fails the file).")]
    public double? Start { get; init; }

    /// <summary>Seconds read from <see cref="Start"/> on (null: to the end).</summary>
    [Description("Seconds read from start on (default: to the end).")]
    public double? Duration { get; init; }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors) => DecodeBlock.ValidateSegment(Start, Duration, errors);
}

/// <summary>
/// <c>decode</c>: reads an audio file (wav, mp3, ogg…) into an <see cref="AudioClip"/>. Adds metadata
/// <c>source_path</c>, <c>duration_seconds</c>, <c>sample_rate</c> and <c>channels</c>. Files longer than
/// <see cref="DecodeOptions.MaxMinutes"/> fail without being decoded whole.
/// </summary>
/// <param name="options">The block's options.</param>
public sealed class DecodeBlock(DecodeOptions options) : IBlock<SourceFile, AudioClip>
{
    /// <summary>Metadata key of the decoded sample rate (long, Hz).</summary>
    public const string SampleRateKey = "sample_rate";

    /// <summary>Metadata key of the decoded channel count (long).</summary>
    public const string ChannelsKey = "channels";

    /// <summary>Creates the block with the default options.</summary>
    public DecodeBlock()
        : this(new DecodeOptions())
    {
    }

    /// <inheritdoc/>
    public ValueTask<AudioClip> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        AudioClip clip = Decode(input.FullPath, context, cancellationToken);
        AddSourceMetadata(context.OutputMetadata, input.FullPath, clip.SampleRate, clip.ChannelCount);
        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = clip.DurationSeconds;
        return ValueTask.FromResult(clip);
    }

    /// <summary>Adds what decoding tells about the source: <c>source_path</c>, <c>sample_rate</c> and <c>channels</c>.</summary>
    internal static void AddSourceMetadata(IDictionary<string, object> metadata, string sourcePath, int sampleRate, int channels)
    {
        metadata[WorkItem.Keys.SourcePath] = sourcePath;
        metadata[SampleRateKey] = (long)sampleRate;
        metadata[ChannelsKey] = (long)channels;
    }

    /// <summary>
    /// Decode options that send each decoder warning (damage skipped, audio missing) to the run's log as
    /// <c>warning: STEP: ITEM: PROBLEM</c>, and make an ffmpeg child stopped by the run's cancellation a cancellation.
    /// </summary>
    internal static AudioDecodeOptions RunOptions(BlockContext context, CancellationToken cancellationToken) => new()
    {
        Warning = problem => context.Run.Log($"warning: {context.BlockId}: {context.Item.Key}: {problem}"),
        CancellationToken = cancellationToken,
    };

    /// <summary>Checks a segment's <c>start</c> (0 or more) and <c>duration</c> (more than 0).</summary>
    internal static void ValidateSegment(double? start, double? duration, ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (start is < 0 || start is { } s && !double.IsFinite(s))
        {
            errors.Add("start", "must be 0 or more seconds");
        }

        if (duration is <= 0 || duration is { } d && !double.IsFinite(d))
        {
            errors.Add("duration", "must be more than 0 seconds");
        }
    }

    /// <summary>Opens <paramref name="path"/>, reading only the segment from <paramref name="start"/> for <paramref name="duration"/> when either is given.</summary>
    internal static AudioStreamReader Open(string path, double? start, double? duration, BlockContext context, CancellationToken cancellationToken)
    {
        AudioStreamReader reader = AudioDecoder.Open(path, RunOptions(context, cancellationToken));
        return start is null && duration is null ? reader : new SegmentReader(reader, start ?? 0, duration);
    }

    private AudioClip Decode(string path, BlockContext context, CancellationToken cancellationToken)
    {
        using AudioStreamReader reader = Open(path, options.Start, options.Duration, context, cancellationToken);
        long frameLimit = (long)(options.MaxMinutes * 60 * reader.SampleRate);
        if (reader.TotalFrames is long total && total > frameLimit)
        {
            throw TooLong(total / (reader.SampleRate * 60.0));
        }

        return AudioDecoder.ReadToEnd(reader, AudioDecodeOptions.Default.MaxSamples, frameLimit) ?? throw TooLong(null);
    }

    private InvalidAudioException TooLong(double? minutes)
    {
        string length = minutes is { } known
            ? string.Create(CultureInfo.InvariantCulture, $"{known:0.0} min of audio is")
            : "the audio is";
        return new InvalidAudioException(string.Create(
            CultureInfo.InvariantCulture,
            $"{length} longer than decode's max_minutes ({options.MaxMinutes}); use decode-slices to cut long files with bounded memory, or raise max_minutes"));
    }
}
