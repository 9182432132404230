using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="CrossfadeBlock"/>.</summary>
[ProducesMetadata(DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey, WorkItem.Keys.DurationSeconds, CrossfadeBlock.BeatAlignedKey, CrossfadeBlock.StretchKey)]
public sealed class CrossfadeOptions : IBlockOptions
{
    /// <summary>Overlap in whole beats.</summary>
    [Range(1, 256)]
    [Description("Overlap in whole beats when beat-aligned (shrunk to what both songs hold).")]
    public int Beats { get; init; } = 16;

    /// <summary>Overlap in seconds.</summary>
    [Range(0.01, 600)]
    [Description("Overlap in seconds: the plain crossfade's length (default 8), or the beat-aligned one rounded to whole beats.")]
    public double? Seconds { get; init; }

    /// <summary>Align beats.</summary>
    [Description("Align the songs' beats (false: a plain equal-power crossfade).")]
    public bool BeatAlign { get; init; } = true;

    /// <summary>Largest tempo change applied to b.</summary>
    [Range(0.0, 0.25)]
    [Description("Largest tempo change applied to b (time-stretched, pitch kept), as a ratio: 0.04 = 4 %.")]
    public double StretchMax { get; init; } = 0.04;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>crossfade</c>: the outgoing song (port a) into the incoming one (port b), on the beat (see <see cref="Crossfader"/>).
/// Beats come from a <c>tempo</c> block upstream (metadata), else the tracker runs here. A side without a beat, or tempos
/// too far apart, falls back to a plain equal-power crossfade with one warning line saying why.
/// </summary>
public sealed class CrossfadeBlock(CrossfadeOptions options) : IPairBlock<AudioClip, AudioClip, AudioClip>
{
    /// <summary>Metadata: true when the beats were aligned.</summary>
    public const string BeatAlignedKey = "beat_aligned";

    /// <summary>Metadata: the incoming song's length change (1 = none).</summary>
    public const string StretchKey = "stretch_ratio";

    /// <inheritdoc/>
    public async ValueTask<AudioClip> ProcessAsync(Part<AudioClip> a, Part<AudioClip> b, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = new CrossfadeSettings { Beats = options.Beats, Seconds = options.Seconds, BeatAlign = options.BeatAlign, StretchMax = options.StretchMax };
        CrossfadeResult result = await Task.Run(
            () =>
            {
                TempoEstimate tempoA = options.BeatAlign ? TempoMetadata.ReadOrAnalyze(a, cancellationToken) : TempoEstimate.None;
                TempoEstimate tempoB = options.BeatAlign ? TempoMetadata.ReadOrAnalyze(b, cancellationToken) : TempoEstimate.None;
                return Crossfader.Crossfade(a.Payload, tempoA, b.Payload, tempoB, settings, cancellationToken);
            },
            cancellationToken).ConfigureAwait(false);
        double rate = result.Audio.SampleRate;
        if (result.FallbackReason is { } reason && options.BeatAlign)
        {
            context.Run.Log(string.Create(CultureInfo.InvariantCulture, $"warning: {context.BlockId}: {context.Item.Key}: {reason}: a plain equal-power crossfade of {result.OverlapLength / rate:0.00} s instead"));
        }
        else if (result.BeatAligned)
        {
            context.Run.Log(string.Create(CultureInfo.InvariantCulture, $"{context.BlockId}: {context.Item.Key}: {result.OverlapBeats} beats from {result.OverlapStart / rate:0.000} s, incoming song stretched x{result.StretchRatio:0.0000}"));
        }

        context.OutputMetadata[DecodeBlock.SampleRateKey] = (long)result.Audio.SampleRate;
        context.OutputMetadata[DecodeBlock.ChannelsKey] = (long)result.Audio.ChannelCount;
        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = result.Audio.DurationSeconds;
        context.OutputMetadata[BeatAlignedKey] = result.BeatAligned;
        context.OutputMetadata[StretchKey] = result.StretchRatio;
        return result.Audio;
    }
}
