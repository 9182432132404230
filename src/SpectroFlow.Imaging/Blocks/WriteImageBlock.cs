using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="WriteImageBlock"/>.</summary>
public sealed class WriteImageOptions : FileOutputOptions
{
}

/// <summary><c>write-image</c>: writes spectrogram images as PNG (with Riffusion EXIF) atomically under the output root.</summary>
public sealed class WriteImageBlock(WriteImageOptions options) : IBlock<SpectrogramImage, WrittenFile>
{
    /// <inheritdoc/>
    public ValueTask<WrittenFile> ProcessAsync(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(
            OutputNaming.Publish(context.Run, options.Folder, options.Name, ".png", context.Item, SpectrogramPng.Encode(input)));
    }
}
