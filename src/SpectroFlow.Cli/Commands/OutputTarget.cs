namespace SpectroFlow.Cli.Commands;

/// <summary>
/// Checks a command's output argument before any work: an existing folder where a file is wanted, a missing parent
/// folder (a typo, most likely: nothing is created for it) or a wrong extension is a usage error in one line.
/// </summary>
internal static class OutputTarget
{
    /// <summary>A file to write; <paramref name="extension"/> (e.g. ".png") is required when given.</summary>
    /// <exception cref="UsageException">The path cannot be the output file.</exception>
    public static void File(string path, string? extension, string folderHint)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"'{path}' is a folder: {folderHint}");
        }

        if (extension is not null && !Path.GetExtension(path).Equals(extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"'{path}': the output must be a {extension} file");
        }

        ParentExists(path);
    }

    /// <summary>A folder to write files into: created when missing, but only inside a folder that exists.</summary>
    /// <exception cref="UsageException">The path is a file or its parent folder is missing.</exception>
    public static void Folder(string path)
    {
        if (System.IO.File.Exists(path))
        {
            throw new UsageException($"'{path}' is a file; the output must be a folder");
        }

        ParentExists(path);
    }

    private static void ParentExists(string path)
    {
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new UsageException($"'{path}': folder '{parent}' does not exist");
        }
    }
}
