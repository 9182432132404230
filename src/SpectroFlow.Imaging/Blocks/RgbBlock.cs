using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="RgbBlock"/>.</summary>
public sealed class RgbOptions : FileOutputOptions
{
}

/// <summary><c>rgb</c>: converts any PNG to 8-bit RGB (Riffusion's img2rgb), keeping its EXIF.</summary>
public sealed class RgbBlock(RgbOptions options) : IBlock<SourceFile, WrittenFile>
{
    /// <inheritdoc/>
    public ValueTask<WrittenFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(
            OutputNaming.Publish(context.Run, options.Folder, options.Name, ".png", context.Item, path => ImageConversions.ToRgb(input.FullPath, path)));
    }
}
