using System.Diagnostics;

namespace SpectroFlow.Cli.Tests;

/// <summary>The CLI as a child process, for tests that kill a run with SIGKILL.</summary>
internal static class ChildCli
{
    /// <summary>Starts <c>spectroflow</c> with <paramref name="args"/>, its output drained so it never blocks.</summary>
    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "spectroflow"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in args)
        {
            info.ArgumentList.Add(argument);
        }

        Process process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }
}
