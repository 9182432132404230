using System.Diagnostics;
using System.Security.Cryptography;
using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// The composition and diffusion recipes (the latter on the tiny fixture model) run end to end on the bundled samples: every file they write is in the manifest, a kill -9
/// and a re-run give the bytes of an uninterrupted run, and a third run skips everything.
/// </summary>
public sealed class CompositionRecipesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-composition-").FullName;

    public static TheoryData<string> Recipes => ["transition.yaml", "blend-sequence.yaml", "long-track.yaml", "generate.yaml", "remix-folder.yaml"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Recipes))]
    public async Task Run_CompositionRecipe_WritesOnlyManifestedFiles_ResumesAfterKill_AndSkipsWhenDone(string name)
    {
        string recipe = Path.Combine(TestFiles.RepositoryRoot, "recipes", name);
        string clean = Path.Combine(_directory, "clean");
        string killed = Path.Combine(_directory, "killed");

        CliResult first = await CliRunner.RunAsync("run", recipe, "--output", clean);

        first.ExitCode.Should().Be(0, first.Output + first.Error);
        Dictionary<string, string> written = Hashes(clean);
        written.Should().NotBeEmpty();
        written.Should().Equal(ManifestedOutputs(clean), "every file the recipe writes is in its manifest, with its hash");

        await RunAndKillAsync(recipe, killed);
        CliResult resumed = await CliRunner.RunAsync("run", recipe, "--output", killed);
        resumed.ExitCode.Should().Be(0, resumed.Output + resumed.Error);
        Hashes(killed).Should().Equal(written, "a run killed with -9 and run again gives the bytes of an uninterrupted run");
        Directory.GetFiles(killed, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();

        CliResult third = await CliRunner.RunAsync("run", recipe, "--output", killed);
        third.ExitCode.Should().Be(0, third.Output + third.Error);
        third.Output.Should().Contain("0 files written").And.MatchRegex(@"[1-9]\d* items? skipped");
        Hashes(killed).Should().Equal(written);
        File.ReadAllText(Path.Combine(killed, "report.html")).Should().Contain("<audio", "the recipe asks for a listening report");
    }

    private static async Task RunAndKillAsync(string recipe, string output)
    {
        using Process process = ChildCli.Start("run", recipe, "--output", output);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited && !Directory.Exists(output))
        {
            await Task.Delay(10);
        }

        // Shortly after the run starts writing, in the middle of its work (how far it got varies; any point must resume).
        await Task.Delay(300);
        process.Kill(entireProcessTree: true); // SIGKILL
        await process.WaitForExitAsync();
    }

    private static Dictionary<string, string> ManifestedOutputs(string root)
    {
        (_, IReadOnlyList<ManifestEntry> entries) = RunManifest.Read(Path.Combine(root, RunManifest.FileName(null)));
        // A group's output (a joined track) is listed under every source item it was made from, always with one hash.
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ManifestOutput output in entries.SelectMany(entry => entry.Outputs))
        {
            string path = output.Path.Replace('\\', '/');
            string hash = output.Sha256.ToUpperInvariant();
            outputs.TryAdd(path, hash);
            outputs[path].Should().Be(hash, $"every manifest line that lists {path} gives the same hash");
        }

        return outputs;
    }

    /// <summary>Every audio and image file under <paramref name="root"/> (the report's thumbnails aside), by relative path.</summary>
    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".png", StringComparison.Ordinal) || path.EndsWith(".wav", StringComparison.Ordinal) || path.EndsWith(".mp3", StringComparison.Ordinal))
            .Where(path => !Path.GetRelativePath(root, path).StartsWith("report", StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
