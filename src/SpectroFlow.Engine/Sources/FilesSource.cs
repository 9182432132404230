using System.ComponentModel;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Sources;

/// <summary>Options of the <c>files</c> input.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath)]
public sealed class FilesSourceOptions : IBlockOptions
{
    /// <summary>The files to read, in the order they are taken (relative paths start at the folder of the recipe file that names them).</summary>
    [Description("Files to read, in this order; relative to the recipe file that names them.")]
    public required IReadOnlyList<InputPath> Paths { get; init; }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Paths.Count == 0)
        {
            errors.Add("paths", "must list at least one file");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (InputPath path in Paths)
        {
            if (!seen.Add(path.Value))
            {
                errors.Add("paths", $"lists '{path.Value}' twice (each file is one item, keyed by its path)");
            }
        }
    }
}

/// <summary>
/// Emits the listed files as <see cref="SourceFile"/> items in the order the recipe lists them (what <c>join</c> and
/// other order-sensitive steps read; a <c>folder</c> input gives natural order instead). Key: the path as the recipe
/// names it, relative to the recipe's folder (absolute paths stay absolute); metadata: <c>source_path</c>.
/// </summary>
/// <param name="options">The files.</param>
public sealed class FilesSource(FilesSourceOptions options) : IItemSource<SourceFile>
{
    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceItem<SourceFile>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.ReportExpectedItems(options.Paths.Count);
        foreach (InputPath path in options.Paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string full = path.Resolve(context.InputRoot);
            if (!File.Exists(full))
            {
                throw new Core.Errors.SpectroFlowException($"input file not found: {full}");
            }

            var metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [WorkItem.Keys.SourcePath] = full };
            yield return new SourceItem<SourceFile>(path.Value, new SourceFile(full, path.Value), metadata);
            await Task.Yield();
        }
    }
}
