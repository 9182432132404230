using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="ImageToMelBlock"/> (none).</summary>
[ProducesMetadata]
public sealed class ImageToMelOptions : IBlockOptions
{
    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>image-to-mel</c>: a spectrogram image back to mel amplitudes (its parameters come with the image).</summary>
public sealed class ImageToMelBlock : IBlock<SpectrogramImage, MelSpectrogram>
{
    /// <inheritdoc/>
    public ValueTask<MelSpectrogram> ProcessAsync(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(SpectrogramImageMapper.ToMel(input));
    }
}
