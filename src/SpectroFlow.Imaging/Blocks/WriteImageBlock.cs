using System.ComponentModel;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="WriteImageBlock"/>.</summary>
public sealed class WriteImageOptions : IBlockOptions
{
    /// <summary>Folder under the output root.</summary>
    [Description("Folder under the output root.")]
    public OutputPath Folder { get; init; } = new(".");

    /// <summary>File name template (see <see cref="OutputNaming"/>); ".png" is added.</summary>
    [Description("File name template over item metadata, e.g. {stem} or {source_stem}_{clip_index:00000}.")]
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

/// <summary><c>write-image</c>: writes spectrogram images as PNG (with Riffusion EXIF) atomically under the output root.</summary>
public sealed class WriteImageBlock(WriteImageOptions options) : IBlock<SpectrogramImage, WrittenFile>
{
    /// <inheritdoc/>
    public ValueTask<WrittenFile> ProcessAsync(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(BlockFailure.Run(context, () =>
            OutputNaming.Publish(context.Run, options.Folder, options.Name, ".png", context.Item, SpectrogramPng.Encode(input))));
    }
}
