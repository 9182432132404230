using System.Diagnostics;

namespace SpectroFlow.TestKit;

/// <summary>Runs the ffmpeg executable to make test files (JPEG, BMP, other codecs) the project itself does not write.</summary>
public static class FfmpegTool
{
    /// <summary>Runs <c>ffmpeg -nostdin -loglevel error -y ARGUMENTS</c>; throws with ffmpeg's messages when it fails.</summary>
    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-nostdin", "-loglevel", "error", "-y", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {errors}");
        }
    }
}
