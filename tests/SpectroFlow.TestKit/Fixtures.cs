namespace SpectroFlow.TestKit;

/// <summary>Paths of the test data committed under tests/fixtures.</summary>
public static class Fixtures
{
    /// <summary>tests/fixtures, found by walking up from the test binary.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Riffusion's 16-bit stereo 44.1 kHz test clip (250400 frames).</summary>
    public static string RiffusionClipWav => Path.Combine(Root, "riffusion", "clip_2_start_103694_ms_duration_5678_ms.wav");

    /// <summary>Riffusion's "mono" image of the clip (568x512, R = G = B, EXIF stereo = 0).</summary>
    public static string RiffusionMonoPng => Path.Combine(Root, "riffusion", "clip_2_start_103694_ms_duration_5678_ms.png");

    /// <summary>Riffusion's stereo image of the clip (568x512, R = 0, G = left, B = right).</summary>
    public static string RiffusionStereoPng => Path.Combine(Root, "riffusion", "clip_2_start_103694_ms_duration_5678_ms_stereo.png");

    /// <summary>A file under tests/fixtures.</summary>
    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null)
        {
            string candidate = Path.Combine(directory, "tests", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            directory = Path.GetDirectoryName(directory);
        }

        throw new DirectoryNotFoundException("tests/fixtures not found above " + AppContext.BaseDirectory);
    }
}
