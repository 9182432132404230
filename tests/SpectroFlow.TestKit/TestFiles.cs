namespace SpectroFlow.TestKit;

/// <summary>Locates files under tests/fixtures from a test's output folder.</summary>
public static class TestFiles
{
    private static readonly Lazy<string> s_repositoryRoot = new(FindRepositoryRoot);

    /// <summary>The folder holding SpectroFlow.sln.</summary>
    public static string RepositoryRoot => s_repositoryRoot.Value;

    /// <summary>The full path of tests/fixtures/<paramref name="relativePath"/>.</summary>
    public static string Fixture(string relativePath) => Path.Combine(RepositoryRoot, "tests", "fixtures", relativePath);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SpectroFlow.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"SpectroFlow.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spectroflow-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="fileName"/> inside the folder.</summary>
    public string File(string fileName) => System.IO.Path.Combine(Path, fileName);

    /// <summary>Names of all files in the folder (including hidden temporary files).</summary>
    public string[] FileNames() => Directory.GetFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
