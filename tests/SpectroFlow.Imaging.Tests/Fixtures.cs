namespace SpectroFlow.Imaging.Tests;

/// <summary>Locates tests/fixtures/riffusion and tests/fixtures/png from the test output folder.</summary>
internal static class Fixtures
{
    public const string MonoPng = "clip_2_start_103694_ms_duration_5678_ms.png";
    public const string StereoPng = "clip_2_start_103694_ms_duration_5678_ms_stereo.png";
    public const string Wav = "clip_2_start_103694_ms_duration_5678_ms.wav";

    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>Full path of a file under tests/fixtures/riffusion.</summary>
    public static string Path(string relative) => System.IO.Path.Combine(s_root.Value, relative);

    /// <summary>Full path of a file under tests/fixtures/png (decoder fixtures made by make_fixtures.py).</summary>
    public static string PngPath(string relative) => System.IO.Path.Combine(s_root.Value, "..", "png", relative);

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", "riffusion");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures/riffusion not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Directory.CreateTempSubdirectory("spectroflow-imaging-").FullName;
    }

    public string Root { get; }

    public string File(string name) => System.IO.Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
