using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="EncodeImageBlock"/> (none).</summary>
[ProducesMetadata]
public sealed class EncodeImageOptions : IBlockOptions, IDeclaresFormat
{
    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) => input ?? PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>encode-image</c>: a mel spectrogram to a spectrogram image (Riffusion's or chavinlo's mapping, from its parameters).</summary>
public sealed class EncodeImageBlock : SyncBlock<MelSpectrogram, SpectrogramImage>
{
    /// <inheritdoc/>
    protected override SpectrogramImage Process(MelSpectrogram input, BlockContext context, CancellationToken cancellationToken) =>
        SpectrogramImageMapper.ToImage(input);
}
