using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="ImageToMelBlock"/> (none).</summary>
[ProducesMetadata]
public sealed class ImageToMelOptions : IBlockOptions, IDeclaresFormat
{
    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) => input ?? PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>image-to-mel</c>: a spectrogram image back to mel amplitudes (its parameters come with the image).</summary>
public sealed class ImageToMelBlock : SyncBlock<SpectrogramImage, MelSpectrogram>
{
    /// <inheritdoc/>
    protected override MelSpectrogram Process(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken) =>
        SpectrogramImageMapper.ToMel(input);
}
