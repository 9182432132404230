using System.Diagnostics;
using System.Security.Cryptography;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>kill -9 in the middle of a real run, then a re-run, gives exactly the files of an uninterrupted run.</summary>
public sealed class KillAndResumeTests : IDisposable
{
    private const string Recipe = """
        seed: 5
        inputs:
          - id: songs
            folder: in
            glob: ["*.wav"]
        steps:
          - id: decode
            use: decode
          - id: clips
            use: slice
            clip_ms: 2000
          - id: mel
            use: mel
          - id: image
            use: encode-image
          - id: png
            use: write-image
            folder: png
          - id: back
            use: image-to-mel
            from: image
          - id: invert
            use: invert
            iterations: 12
            threads: 1
            parallelism: 1    # items finish one after another, so the kill after the first always finds work left
          - id: wav
            use: write-audio
            folder: wav
        outputs:
          root: out
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-kill-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Run_KilledMidwayThenRerun_EqualsAnUninterruptedRun()
    {
        string input = Path.Combine(_directory, "in");
        Directory.CreateDirectory(input);
        for (int i = 0; i < 6; i++)
        {
            File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, $"song{i}.wav"));
        }

        string recipe = Path.Combine(_directory, "r.yaml");
        await File.WriteAllTextAsync(recipe, Recipe);
        string clean = Path.Combine(_directory, "clean");
        string killed = Path.Combine(_directory, "killed");

        (await CliRunner.RunAsync("run", recipe, "--output", clean)).ExitCode.Should().Be(0);

        (bool killedMidRun, string childState) = await RunAndKillAfterFirstItemAsync(recipe, killed);
        CliResult resumed = await CliRunner.RunAsync("run", recipe, "--output", killed);

        killedMidRun.Should().BeTrue($"the child process should still have been working when it was killed ({childState})");
        resumed.ExitCode.Should().Be(0, resumed.Error);
        resumed.Output.Should().MatchRegex(@"[1-9]\d* items? skipped", "items finished before the kill are not redone");
        Hashes(killed).Should().Equal(Hashes(clean));
        Directory.GetFiles(killed, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    private static async Task<(bool Running, string State)> RunAndKillAfterFirstItemAsync(string recipe, string output)
    {
        using Process process = ChildCli.Start("run", recipe, "--output", output);
        string manifest = Path.Combine(output, "manifest.jsonl");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited)
        {
            // Header plus at least one finished item.
            if (File.Exists(manifest) && ReadLines(manifest) >= 2)
            {
                break;
            }

            await Task.Delay(20);
        }

        bool running = !process.HasExited;
        string state = running
            ? "running"
            : $"it had exited with code {process.ExitCode} after {deadline.Elapsed.TotalSeconds:0.0} s, the manifest holding {(File.Exists(manifest) ? ReadLines(manifest) : 0)} lines";
        process.Kill(entireProcessTree: true); // SIGKILL
        await process.WaitForExitAsync();
        return (running, state);
    }

    private static int ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".png", StringComparison.Ordinal) || path.EndsWith(".wav", StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(root, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
