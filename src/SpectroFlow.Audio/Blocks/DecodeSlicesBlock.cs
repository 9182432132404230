using System.Runtime.CompilerServices;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>
/// Options of <see cref="DecodeSlicesBlock"/>: <c>clip_ms</c> and <c>last</c>, exactly as for <c>slice</c>, and the
/// segment to cut (<c>start</c>, <c>duration</c>) as for <c>decode</c>.
/// </summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey, WorkItem.Keys.ClipIndex, SliceBlock.StartMsKey, SliceBlock.EndMsKey, WorkItem.Keys.StartSeconds, WorkItem.Keys.DurationSeconds)]
public sealed class DecodeSlicesOptions : SliceOptions
{
    /// <summary>Seconds skipped at the start of the file (null: none); clips start there.</summary>
    [System.ComponentModel.Description("Seconds skipped at the start of the file; clips start there (a start past the end fails the file).")]
    public double? Start { get; init; }

    /// <summary>Seconds cut into clips from <see cref="Start"/> on (null: to the end).</summary>
    [System.ComponentModel.Description("Seconds cut into clips from start on (default: to the end).")]
    public double? Duration { get; init; }

    /// <inheritdoc/>
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        DecodeBlock.ValidateSegment(Start, Duration, errors);
    }
}

/// <summary>
/// <c>decode-slices</c>: decodes an audio file straight into fixed-length clips while reading it, holding about one
/// clip of samples at a time, so files of any length fit in bounded memory. Gives exactly what <c>decode</c> followed
/// by <c>slice</c> gives (same child keys <c>parent#index</c>, samples, names and metadata: <c>source_path</c>,
/// <c>sample_rate</c>, <c>channels</c>, <c>clip_index</c>, <c>start_ms</c>, <c>end_ms</c>, <c>start_seconds</c>,
/// <c>duration_seconds</c> of the clip). Bad data part-way through fails the file after the clips before it.
/// </summary>
/// <param name="options">Clip length and last-clip policy.</param>
public sealed class DecodeSlicesBlock(DecodeSlicesOptions options) : IExpandingBlock<SourceFile, AudioClip>
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<ItemOutput<AudioClip>> ExpandAsync(SourceFile input, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        AudioStreamReader reader = DecodeBlock.Open(input.FullPath, options.Start, options.Duration, context, cancellationToken);
        using (reader)
        {
            var sourceMetadata = new Dictionary<string, object>(StringComparer.Ordinal);
            DecodeBlock.AddSourceMetadata(sourceMetadata, input.FullPath, reader.SampleRate, reader.ChannelCount);
            string stem = Path.GetFileNameWithoutExtension(input.FullPath);
            IAsyncEnumerable<ItemOutput<AudioClip>> clips = SliceBlock.EmitClipsAsync(
                ClipSlicer.Slice(reader, options.ClipMs, options.Last, stem), reader.SampleRate, sourceMetadata, cancellationToken);
            await foreach (ItemOutput<AudioClip> clip in clips.ConfigureAwait(false))
            {
                yield return clip;
            }
        }
    }
}
