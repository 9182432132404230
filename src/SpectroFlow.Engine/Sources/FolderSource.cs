using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;

namespace SpectroFlow.Engine.Sources;

/// <summary>Options of the <c>folder</c> input.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, WorkItem.Keys.Tags)]
public sealed class FolderSourceOptions : IBlockOptions
{
    /// <summary>The folder to read (a relative path starts at the folder of the recipe file that names it).</summary>
    [Description("Folder to read; relative to the recipe file that names it.")]
    public required InputPath Folder { get; init; }

    /// <summary>Globs of files to take, relative to the folder (default: every file).</summary>
    [Description("Globs relative to the folder: *, ?, ** and {a,b}.")]
    public IReadOnlyList<string> Glob { get; init; } = ["**/*"];

    /// <summary>Tags given to every item of this input (metadata <c>tags</c>, comma-separated; name templates use <c>{tags}</c>).</summary>
    [Description("Tags for every file of this input (metadata 'tags'; templates: {tags}).")]
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Stop after this many files (0: all), in natural order (clip_2 before clip_10).</summary>
    [Description("Take at most this many files (0 = all).")]
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int Limit { get; init; }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Glob.Count == 0 || Glob.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("glob", "must list at least one non-empty pattern");
        }

        if (Tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Contains(',', StringComparison.Ordinal)))
        {
            errors.Add("tags", "must be non-empty words without commas");
        }
    }
}

/// <summary>
/// Emits the files of a folder that match the globs as <see cref="SourceFile"/> items, in natural path order
/// (<c>clip_2</c> before <c>clip_10</c>, see <see cref="NaturalStringComparer"/>; the same on every machine). Key: the relative path; metadata: <c>source_path</c>, and <c>tags</c> when given.
/// </summary>
public sealed class FolderSource : IItemSource<SourceFile>
{
    private readonly FolderSourceOptions _options;
    private readonly Glob[] _globs;

    /// <summary>Creates the source.</summary>
    public FolderSource(FolderSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _globs = [.. options.Glob.Select(g => new Glob(g))];
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceItem<SourceFile>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string folder = _options.Folder.Resolve(context.InputRoot);
        if (!Directory.Exists(folder))
        {
            throw new Core.Errors.SpectroFlowException($"input folder not found: {folder}");
        }

        List<string> files = [.. Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(rel => _globs.Any(g => g.IsMatch(rel)))
            .Order(NaturalStringComparer.Instance)];
        if (_options.Limit > 0 && files.Count > _options.Limit)
        {
            files.RemoveRange(_options.Limit, files.Count - _options.Limit);
        }

        context.ReportExpectedItems(files.Count);
        string? tags = _options.Tags.Count == 0 ? null : string.Join(", ", _options.Tags.Select(t => t.Trim()));
        foreach (string relative in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string full = Path.Combine(folder, relative);
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal) { [WorkItem.Keys.SourcePath] = full };
            if (tags is not null)
            {
                metadata[WorkItem.Keys.Tags] = tags;
            }

            yield return new SourceItem<SourceFile>(relative, new SourceFile(full, relative), metadata);
            await Task.Yield();
        }

        context.Log(string.Create(CultureInfo.InvariantCulture, $"folder {folder}: {files.Count} {(files.Count == 1 ? "file" : "files")}"));
    }
}
