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

    /// <summary>How many frames ffmpeg decodes from <paramref name="path"/> (what it recovers from a damaged file).</summary>
    public static long DecodedFrames(string path, int channels)
    {
        var startInfo = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-hide_banner", "-loglevel", "quiet", "-nostdin", "-i", path, "-f", "f32le", "-" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(startInfo)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        long bytes = 0;
        byte[] buffer = new byte[1 << 16];
        int read;
        while ((read = process.StandardOutput.BaseStream.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes += read;
        }

        process.WaitForExit();
        return bytes / sizeof(float) / channels;
    }
}
