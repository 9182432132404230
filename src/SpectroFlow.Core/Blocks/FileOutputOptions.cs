using System.ComponentModel;
using SpectroFlow.Core.IO;

namespace SpectroFlow.Core.Blocks;

/// <summary>
/// The options every writer block shares: the folder under the output root and the file name template
/// (see <see cref="OutputNaming"/>; the extension is added by the block).
/// </summary>
[ProducesMetadata]
public abstract class FileOutputOptions : IBlockOptions
{
    /// <summary>Folder under the output root.</summary>
    [Description("Folder under the output root.")]
    public OutputPath Folder { get; init; } = new(".");

    /// <summary>File name template over item metadata; the extension is added.</summary>
    [Description("File name template over item metadata, the extension added: {file} (song.mp3_00003; the default of write-image and write-audio, write-dataset uses {source_dir}_{stem}), or e.g. {stem}, {input}_{stem} (several inputs), {source_stem}_{clip_index:00000}.")]
    public string Name { get; init; } = OutputNaming.DefaultTemplate;

    /// <summary>Checks the name template; writers with more options override this and call the base.</summary>
    public virtual void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (OutputNaming.CheckTemplate(Name) is { } problem)
        {
            errors.Add("name", $"name template {problem}");
        }
    }
}
