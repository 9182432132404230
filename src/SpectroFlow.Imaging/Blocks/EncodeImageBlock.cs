using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="EncodeImageBlock"/> (none).</summary>
[ProducesMetadata]
public sealed class EncodeImageOptions : IBlockOptions
{
    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>encode-image</c>: a mel spectrogram to a spectrogram image (Riffusion's or chavinlo's mapping, from its parameters).</summary>
public sealed class EncodeImageBlock : IBlock<MelSpectrogram, SpectrogramImage>
{
    /// <inheritdoc/>
    public ValueTask<SpectrogramImage> ProcessAsync(MelSpectrogram input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(SpectrogramImageMapper.ToImage(input));
    }
}
