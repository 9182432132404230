using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="SliceBlock"/> (and, through <see cref="DecodeSlicesOptions"/>, of <c>decode-slices</c>).</summary>
[ProducesMetadata(WorkItem.Keys.ClipIndex, SliceBlock.StartMsKey, SliceBlock.EndMsKey, WorkItem.Keys.StartSeconds, WorkItem.Keys.DurationSeconds)]
public class SliceOptions : IBlockOptions
{
    /// <summary>Clip duration in milliseconds (5119 ms = 512 image columns at 44.1 kHz).</summary>
    [Range(1, 3_600_000)]
    [Description("Clip duration in ms (5119 = 512 columns at 44.1 kHz, 10 ms steps).")]
    public int ClipMs { get; init; } = ClipSlicer.DefaultClipMs;

    /// <summary>What to do with an incomplete last clip.</summary>
    [Description("pad (with silence) or drop the incomplete last clip.")]
    public LastClipPolicy Last { get; init; } = LastClipPolicy.Pad;

    /// <inheritdoc/>
    public virtual void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>slice</c>: cuts a clip into fixed-length clips. Children are keyed <c>parent#index</c> and carry
/// <c>clip_index</c>, <c>start_ms</c>, <c>end_ms</c>, <c>start_seconds</c> and <c>duration_seconds</c>.
/// </summary>
public sealed class SliceBlock(SliceOptions options) : IExpandingBlock<AudioClip, AudioClip>
{
    /// <summary>Metadata key of a clip's start in its source, milliseconds (double).</summary>
    public const string StartMsKey = "start_ms";

    /// <summary>Metadata key of a clip's end in its source, milliseconds (double; padding included).</summary>
    public const string EndMsKey = "end_ms";

    /// <inheritdoc/>
    public IAsyncEnumerable<ItemOutput<AudioClip>> ExpandAsync(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        string stem = Path.GetFileNameWithoutExtension(context.Item.GetMetadata(WorkItem.Keys.SourcePath, context.Item.Roots[0]));
        return EmitClipsAsync(ClipSlicer.Slice(input, options.ClipMs, options.Last, stem), input.SampleRate, null, cancellationToken);
    }

    /// <summary>
    /// Yields <paramref name="clips"/> as children keyed by their index, with the clip metadata (after
    /// <paramref name="sharedMetadata"/>, which the clip keys override).
    /// </summary>
    internal static async IAsyncEnumerable<ItemOutput<AudioClip>> EmitClipsAsync(
        IEnumerable<AudioClip> clips,
        int sampleRate,
        IReadOnlyDictionary<string, object>? sharedMetadata,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long index = 0;
        long startFrame = 0;
        foreach (AudioClip clip in clips)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double startMs = startFrame * 1000.0 / sampleRate;
            double endMs = (startFrame + clip.Frames) * 1000.0 / sampleRate;
            var metadata = sharedMetadata is null
                ? new Dictionary<string, object>(StringComparer.Ordinal)
                : new Dictionary<string, object>(sharedMetadata, StringComparer.Ordinal);
            metadata[WorkItem.Keys.ClipIndex] = index;
            metadata[StartMsKey] = startMs;
            metadata[EndMsKey] = endMs;
            metadata[WorkItem.Keys.StartSeconds] = startMs / 1000.0;
            metadata[WorkItem.Keys.DurationSeconds] = clip.DurationSeconds;
            yield return new ItemOutput<AudioClip>(clip, index.ToString(CultureInfo.InvariantCulture), metadata);
            startFrame += clip.Frames;
            index++;
            await Task.Yield();
        }
    }
}
