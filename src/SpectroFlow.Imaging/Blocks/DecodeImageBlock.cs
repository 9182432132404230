using System.ComponentModel;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Parameters assumed for images without Riffusion EXIF.</summary>
public enum ImagePreset
{
    /// <summary><see cref="SpectrogramParams.Riffusion"/>.</summary>
    Riffusion,

    /// <summary><see cref="SpectrogramParams.Chavinlo"/>.</summary>
    Chavinlo,
}

/// <summary>Options of <see cref="DecodeImageBlock"/>.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, "width", "height")]
public sealed class DecodeImageOptions : IBlockOptions
{
    /// <summary>Parameters for images without (complete) Riffusion EXIF.</summary>
    [Description("riffusion or chavinlo: parameters for images without Riffusion EXIF.")]
    public ImagePreset Preset { get; init; } = ImagePreset.Riffusion;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary><c>decode-image</c>: reads a spectrogram PNG (EXIF parameters when present, else the preset's).</summary>
public sealed class DecodeImageBlock(DecodeImageOptions options) : IBlock<SourceFile, SpectrogramImage>
{
    private readonly SpectrogramParams _fallback = options.Preset == ImagePreset.Chavinlo ? SpectrogramParams.Chavinlo : SpectrogramParams.Riffusion;

    /// <inheritdoc/>
    public ValueTask<SpectrogramImage> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        SpectrogramImage image = SpectrogramPng.Read(input.FullPath, _fallback);
        context.OutputMetadata[WorkItem.Keys.SourcePath] = input.FullPath;
        context.OutputMetadata["width"] = (long)image.Width;
        context.OutputMetadata["height"] = (long)image.Height;
        return ValueTask.FromResult(image);
    }
}
