using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="GateBlock"/>.</summary>
[ProducesMetadata(GateBlock.RmsDbKey)]
public sealed class GateOptions : IBlockOptions
{
    /// <summary>The quietest clip passed: RMS over all channels, dBFS (a full-scale sine is -3.01).</summary>
    [Range(-200, 0)]
    [Description("Quietest clip passed: RMS over all channels in dBFS (silence is always left out).")]
    public double MinRmsDb { get; init; } = -50;

    /// <summary>The largest fraction of clipped samples passed (samples in runs of 3 or more at the rail).</summary>
    [Range(0, 1)]
    [Description("Largest fraction of samples that may be clipped (in runs of 3 or more at |x| >= clip_level).")]
    public double MaxClippedFraction { get; init; } = 0.001;

    /// <summary>The magnitude from which a sample counts as at the rail.</summary>
    [Range(0.1, 1)]
    [Description("Magnitude from which a sample is at the rail (full scale is 1).")]
    public double ClipLevel { get; init; } = 0.999;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>gate</c>: passes a clip on unchanged, with metadata <c>rms_db</c>, unless it is near-silent (RMS below
/// <see cref="GateOptions.MinRmsDb"/>) or clipped (more than <see cref="GateOptions.MaxClippedFraction"/> of its samples
/// in runs of at least <see cref="MinClippedRun"/> at the rail); those are left out as <c>near-silent</c> or
/// <c>clipped</c>.
/// </summary>
public sealed class GateBlock(GateOptions options) : IExpandingBlock<AudioClip, AudioClip>
{
    /// <summary>Metadata key of a passed clip's RMS, dBFS rounded to 0.01 (double).</summary>
    public const string RmsDbKey = "rms_db";

    /// <summary>The reason of a clip left out for its level.</summary>
    public const string NearSilentReason = "near-silent";

    /// <summary>The reason of a clip left out for clipping.</summary>
    public const string ClippedReason = "clipped";

    /// <summary>Consecutive samples at the rail that count as clipping (one full-scale peak is not clipping).</summary>
    public const int MinClippedRun = 3;

    /// <inheritdoc/>
    public IAsyncEnumerable<ItemOutput<AudioClip>> ExpandAsync(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        double rmsDb = RmsDb(input);
        if (!(rmsDb >= options.MinRmsDb))
        {
            context.LeaveOut(NearSilentReason);
            return AsyncEnumerable.Empty<ItemOutput<AudioClip>>();
        }

        if (ClippedFraction(input, (float)options.ClipLevel) > options.MaxClippedFraction)
        {
            context.LeaveOut(ClippedReason);
            return AsyncEnumerable.Empty<ItemOutput<AudioClip>>();
        }

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [RmsDbKey] = Math.Round(rmsDb, 2) };
        return One(new ItemOutput<AudioClip>(input, null, metadata));
    }

    /// <summary>
    /// The RMS of all samples of all channels, dBFS: negative infinity for silence and for a clip without frames.
    /// </summary>
    public static double RmsDb(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        long count = (long)clip.Frames * clip.ChannelCount;
        if (count == 0)
        {
            return double.NegativeInfinity;
        }

        double sum = 0;
        foreach (float[] channel in clip.Channels)
        {
            ReadOnlySpan<float> samples = channel;
            for (int i = 0; i < samples.Length; i++)
            {
                double x = samples[i];
                sum += x * x;
            }
        }

        return 10 * Math.Log10(sum / count);
    }

    /// <summary>
    /// The fraction of samples that are part of a run of at least <see cref="MinClippedRun"/> consecutive samples of one
    /// channel with magnitude at least <paramref name="level"/>; 0 for a clip without frames.
    /// </summary>
    public static double ClippedFraction(AudioClip clip, float level)
    {
        ArgumentNullException.ThrowIfNull(clip);
        long count = (long)clip.Frames * clip.ChannelCount;
        if (count == 0)
        {
            return 0;
        }

        long clipped = 0;
        foreach (float[] channel in clip.Channels)
        {
            ReadOnlySpan<float> samples = channel;
            int run = 0;
            for (int i = 0; i < samples.Length; i++)
            {
                if (Math.Abs(samples[i]) >= level)
                {
                    run++;
                    continue;
                }

                if (run >= MinClippedRun)
                {
                    clipped += run;
                }

                run = 0;
            }

            if (run >= MinClippedRun)
            {
                clipped += run;
            }
        }

        return (double)clipped / count;
    }

    private static async IAsyncEnumerable<ItemOutput<AudioClip>> One(ItemOutput<AudioClip> output)
    {
        yield return output;
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
