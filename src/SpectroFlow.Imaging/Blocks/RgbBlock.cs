using System.ComponentModel;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="RgbBlock"/>.</summary>
public sealed class RgbOptions : IBlockOptions
{
    /// <summary>Folder under the output root.</summary>
    [Description("Folder under the output root.")]
    public OutputPath Folder { get; init; } = new(".");

    /// <summary>File name template (see <see cref="OutputNaming"/>); ".png" is added.</summary>
    [Description("File name template over item metadata, e.g. {stem}.")]
    public string Name { get; init; } = OutputNaming.DefaultTemplate;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (OutputNaming.CheckTemplate(Name) is { } problem)
        {
            errors.Add("name", $"name template {problem}");
        }
    }
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
        return ValueTask.FromResult(BlockFailure.Run(context, () =>
            OutputNaming.Publish(context.Run, options.Folder, options.Name, ".png", context.Item, path => ImageConversions.ToRgb(input.FullPath, path))));
    }
}
