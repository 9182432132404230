using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Channel layout wanted by <see cref="ResampleBlock"/>.</summary>
public enum ChannelLayout
{
    /// <summary>Keep the input's channels.</summary>
    Keep,

    /// <summary>Mix down to one channel.</summary>
    Mono,

    /// <summary>Two channels (mono is duplicated, more channels are mixed).</summary>
    Stereo,
}

/// <summary>Options of <see cref="ResampleBlock"/>.</summary>
[ProducesMetadata(DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey)]
public sealed class ResampleOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>Target sample rate in Hz.</summary>
    [Range(1000, 384000)]
    [Description("Target sample rate in Hz.")]
    public int SampleRate { get; init; } = 44100;

    /// <summary>Channel layout of the output.</summary>
    [Description("keep, mono or stereo.")]
    public ChannelLayout Channels { get; init; } = ChannelLayout.Keep;

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) => new(
        SampleRate,
        Channels switch
        {
            ChannelLayout.Mono => 1,
            ChannelLayout.Stereo => 2,
            _ => input?.Channels,
        });

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>resample</c>: changes the sample rate and, optionally, the channel layout of a clip.</summary>
public sealed class ResampleBlock(ResampleOptions options) : SyncBlock<AudioClip, AudioClip>
{
    /// <inheritdoc/>
    protected override AudioClip Process(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        AudioClip clip = options.Channels switch
        {
            ChannelLayout.Mono when input.ChannelCount != 1 => ChannelMixer.ToMono(input),
            ChannelLayout.Stereo when input.ChannelCount != 2 => ChannelMixer.ToStereo(input),
            _ => input,
        };
        AudioClip result = clip.SampleRate == options.SampleRate ? clip : Resampler.Resample(clip, options.SampleRate);
        context.OutputMetadata[DecodeBlock.SampleRateKey] = (long)result.SampleRate;
        context.OutputMetadata[DecodeBlock.ChannelsKey] = (long)result.ChannelCount;
        return result;
    }
}
