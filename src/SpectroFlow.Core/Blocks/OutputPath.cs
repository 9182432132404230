namespace SpectroFlow.Core.Blocks;

/// <summary>
/// An option value naming a file or folder under the run's output root. The recipe loader rejects absolute paths
/// and paths that climb out of the root (<c>../</c>), so a block can combine it with the root safely.
/// </summary>
/// <param name="Relative">The path relative to the output root, with '/' separators.</param>
public readonly record struct OutputPath(string Relative)
{
    /// <summary>Returns the reason <paramref name="path"/> is not a safe relative path, or null when it is.</summary>
    public static string? Check(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return "is empty";
        }

        if (Path.IsPathRooted(path) || path.StartsWith('~') || (path.Length >= 2 && path[1] == ':'))
        {
            return "must be relative to the output root";
        }

        int depth = 0;
        foreach (string part in path.Split('/', '\\'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    return "escapes the output root";
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                depth++;
            }
        }

        return null;
    }

    /// <summary>The full path under <paramref name="outputRoot"/>.</summary>
    public string Resolve(string outputRoot) => Path.GetFullPath(Path.Combine(outputRoot, Relative));

    /// <inheritdoc/>
    public override string ToString() => Relative;
}
