using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="DecodeBlock"/> (none).</summary>
public sealed class DecodeOptions : IBlockOptions
{
    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>decode</c>: reads an audio file (wav, mp3, ogg…) into an <see cref="AudioClip"/>. Adds metadata
/// <c>source_path</c>, <c>duration_seconds</c>, <c>sample_rate</c> and <c>channels</c>.
/// </summary>
public sealed class DecodeBlock : IBlock<SourceFile, AudioClip>
{
    /// <summary>Metadata key of the decoded sample rate (long, Hz).</summary>
    public const string SampleRateKey = "sample_rate";

    /// <summary>Metadata key of the decoded channel count (long).</summary>
    public const string ChannelsKey = "channels";

    /// <inheritdoc/>
    public ValueTask<AudioClip> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        AudioClip clip = BlockFailure.Run(context, () => AudioDecoder.Decode(input.FullPath));
        context.OutputMetadata[WorkItem.Keys.SourcePath] = input.FullPath;
        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = clip.DurationSeconds;
        context.OutputMetadata[SampleRateKey] = (long)clip.SampleRate;
        context.OutputMetadata[ChannelsKey] = (long)clip.ChannelCount;
        return ValueTask.FromResult(clip);
    }
}
