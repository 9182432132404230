namespace SpectroFlow.Core.Blocks;

/// <summary>
/// An option value naming a file or folder to read (an input folder, later a model). The recipe loader resolves a
/// relative path against the folder of the recipe file that wrote it, so an included fragment's paths mean the same
/// wherever it is included from, and stores it relative to the run's input root (the recipe's folder): the plan, and
/// the recipe hash in the manifest, stay the same when the whole project moves. Absolute paths are kept as written.
/// </summary>
/// <param name="Value">The path relative to the run's input root (or absolute), with '/' separators.</param>
public readonly record struct InputPath(string Value)
{
    /// <summary>
    /// The path <paramref name="written"/> as written in a recipe file in <paramref name="fileFolder"/>, expressed
    /// relative to <paramref name="inputRoot"/> (absolute paths stay absolute).
    /// </summary>
    public static InputPath FromRecipe(string written, string fileFolder, string inputRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(written);
        ArgumentNullException.ThrowIfNull(fileFolder);
        ArgumentNullException.ThrowIfNull(inputRoot);
        if (Path.IsPathRooted(written))
        {
            return new InputPath(written);
        }

        string full = Path.GetFullPath(Path.Combine(fileFolder, written));
        return new InputPath(Path.GetRelativePath(inputRoot, full).Replace('\\', '/'));
    }

    /// <summary>The full path, relative paths taken from <paramref name="inputRoot"/>.</summary>
    public string Resolve(string inputRoot) => Path.GetFullPath(Path.Combine(inputRoot, Value));

    /// <inheritdoc/>
    public override string ToString() => Value;
}
