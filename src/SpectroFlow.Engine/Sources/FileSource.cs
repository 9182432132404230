using System.ComponentModel;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Sources;

/// <summary>Options of the <c>file</c> input.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath)]
public sealed class FileSourceOptions : IBlockOptions
{
    /// <summary>The file to read (a relative path starts at the folder of the recipe file that names it).</summary>
    [Description("File to read; relative to the recipe file that names it.")]
    public required InputPath Path { get; init; }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// Emits one file as a <see cref="SourceFile"/> item: what the single-file commands convert. Key: the file's name;
/// metadata: <c>source_path</c>.
/// </summary>
/// <param name="options">The file.</param>
public sealed class FileSource(FileSourceOptions options) : IItemSource<SourceFile>
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceItem<SourceFile>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        string full = options.Path.Resolve(context.InputRoot);
        if (!File.Exists(full))
        {
            throw new Core.Errors.SpectroFlowException(Directory.Exists(full) ? $"input is a folder, not a file: {full}" : $"input file not found: {full}");
        }

        context.ReportExpectedItems(1);
        string name = System.IO.Path.GetFileName(full);
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [WorkItem.Keys.SourcePath] = full };
        yield return new SourceItem<SourceFile>(name, new SourceFile(full, name), metadata);
        await Task.Yield();
    }
}
