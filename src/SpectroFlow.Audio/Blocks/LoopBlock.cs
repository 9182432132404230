using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="LoopBlock"/>.</summary>
[ProducesMetadata(WorkItem.Keys.DurationSeconds, LoopBlock.BarsKey)]
public sealed class LoopOptions : IBlockOptions
{
    /// <summary>Repeats.</summary>
    [Range(1, 10000)]
    [Description("How many times the loop plays.")]
    public int Repeats { get; init; } = 4;

    /// <summary>Bars per repeat (0 = the longest of 16/8/4/2/1 that fits).</summary>
    [Range(0, 256)]
    [Description("Bars per repeat, from the first downbeat (0 = the longest of 16, 8, 4, 2, 1 that fits).")]
    public int Bars { get; init; }

    /// <summary>Seam crossfade in ms.</summary>
    [Range(1, 2000)]
    [Description("Crossfade at the seam in ms (equal power).")]
    public double SeamMs { get; init; } = 80;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>loop</c>: a beat-aligned loop of whole bars, its seam crossfaded, repeated (see <see cref="Looper"/>).</summary>
public sealed class LoopBlock(LoopOptions options) : SyncBlock<AudioClip, AudioClip>
{
    /// <summary>Metadata: bars per repeat (0 when no beat was found).</summary>
    public const string BarsKey = "loop_bars";

    /// <inheritdoc/>
    protected override AudioClip Process(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        TempoEstimate tempo = TempoMetadata.ReadOrAnalyze(context.Item, input, cancellationToken);
        LoopResult result = Looper.Loop(input, tempo, options.Repeats, options.Bars, options.SeamMs);
        if (result.Bars == 0)
        {
            context.Run.Log($"warning: {context.BlockId}: {context.Item.Key}: no beat found: the whole clip loops");
        }

        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = result.Audio.DurationSeconds;
        context.OutputMetadata[BarsKey] = (long)result.Bars;
        return result.Audio;
    }
}
