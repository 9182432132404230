using System.Diagnostics;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests;

/// <summary>Makes test files with the ffmpeg executable.</summary>
internal static class Ffmpeg
{
    public static string Make(TemporaryDirectory directory, string fileName, string arguments)
    {
        string path = directory.File(fileName);
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in "-hide_banner -loglevel error -nostdin -y".Split(' '))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add(path);
        using Process process = Process.Start(startInfo)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg {arguments} failed: {errors}");
        }

        return path;
    }
}
