using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

/// <summary>
/// Resume with joins: every written file is in the manifest, a run killed with SIGKILL and run again equals an
/// uninterrupted run byte for byte, a third run skips everything, and an edit redoes only the touched group.
/// </summary>
public sealed class JoinResumeTests : IDisposable
{
    /// <summary>Song A of each name crossfaded into song B of the same name (two inputs, by key).</summary>
    private const string Crossfade = """
        seed: 3
        inputs:
          - id: a
            folder: a
          - id: b
            folder: b
        steps:
          - id: num-a
            use: read-number
            from: a
          - id: num-b
            use: read-number
            from: b
          - id: fade
            use: pair
            inputs: {a: num-a, b: num-b}
            delay_ms: 120
            parallelism: 1
          - id: save
            use: write-text
            folder: fades
            name: "{source_stem}"
        """;

    /// <summary>Each song cut into clips, consecutive clips blended (a window within each song).</summary>
    private const string Blend = """
        seed: 4
        inputs:
          - id: songs
            folder: songs
        steps:
          - id: num
            use: read-number
          - id: clips
            use: split
          - id: blend
            use: pair
            pairing: window
            delay_ms: 60
            parallelism: 1
          - id: save
            use: write-text
            folder: blends
            name: "{stem}"
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-join-resume-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Crossfade_KilledMidwayThenRerun_EqualsAnUninterruptedRun()
    {
        string recipe = WriteCrossfadeInputs(8);
        await KillResumeAndCompareAsync(recipe, expectedFiles: 8, killAfterItems: 3);
    }

    [Fact]
    public async Task BlendWindow_KilledMidwayThenRerun_EqualsAnUninterruptedRun()
    {
        string recipe = WriteBlendInputs(6);
        await KillResumeAndCompareAsync(recipe, expectedFiles: 6 * 3, killAfterItems: 1);
    }

    [Fact]
    public async Task Crossfade_ChangedPartner_RedoesOnlyItsGroup()
    {
        string recipe = WriteCrossfadeInputs(4);
        string output = Path.Combine(_directory, "out");
        (await RunInProcessAsync(recipe, output)).Succeeded.Should().BeTrue();
        Dictionary<string, string> before = Hashes(output);

        await File.WriteAllTextAsync(Path.Combine(_directory, "b", "song2.txt"), "77");
        RunReport second = await RunInProcessAsync(recipe, output);

        second.Succeeded.Should().BeTrue();
        second.Skipped.Should().Be(6, "a/song2 and b/song2 form one group and are redone together; the other six are up to date");
        Dictionary<string, string> after = Hashes(output);
        after.Where(p => p.Key != "fades/song2.txt").Should().BeEquivalentTo(before.Where(p => p.Key != "fades/song2.txt"));
        (await File.ReadAllTextAsync(Path.Combine(output, "fades", "song2.txt"))).Should().Be("2+77\n");
        (await RunInProcessAsync(recipe, output)).Skipped.Should().Be(8);
    }

    [Fact]
    public async Task Clips_DeletedOutputThenRerun_RestoresItAndSkipsTheRest()
    {
        string recipe = WriteBlendInputs(3);
        string output = Path.Combine(_directory, "out");
        (await RunInProcessAsync(recipe, output)).Succeeded.Should().BeTrue();
        Dictionary<string, string> before = Hashes(output);
        string deleted = Path.Combine(output, "blends", "song1_00001.txt");
        File.Delete(deleted);

        RunReport second = await RunInProcessAsync(recipe, output);

        second.Errors.Should().BeEmpty("a redone item reclaims the outputs it wrote before");
        second.Skipped.Should().Be(2);
        Hashes(output).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task Manifest_RecordsEveryFileAJoinWrote_WithItsGroup()
    {
        string recipe = WriteCrossfadeInputs(3);
        string output = Path.Combine(_directory, "out");
        await RunInProcessAsync(recipe, output);

        (_, IReadOnlyList<ManifestEntry> entries) = RunManifest.Read(Path.Combine(output, "manifest.jsonl"));

        entries.Select(e => e.Key).Should().BeEquivalentTo("a/song0.txt", "a/song1.txt", "a/song2.txt", "b/song0.txt", "b/song1.txt", "b/song2.txt");
        ManifestEntry first = entries.Single(e => e.Key == "a/song1.txt");
        first.Group.Should().Equal("b/song1.txt");
        first.Outputs.Should().ContainSingle().Which.Path.Should().Be("fades/song1.txt");
        entries.Single(e => e.Key == "b/song1.txt").Outputs.Single().Sha256.Should().Be(first.Outputs.Single().Sha256);
        entries.SelectMany(e => e.Outputs).Select(o => o.Path).Distinct()
            .Should().BeEquivalentTo(Directory.GetFiles(Path.Combine(output, "fades")).Select(f => "fades/" + Path.GetFileName(f)));
    }

    private async Task KillResumeAndCompareAsync(string recipe, int expectedFiles, int killAfterItems)
    {
        string clean = Path.Combine(_directory, "clean");
        string killed = Path.Combine(_directory, "killed");
        (await RunChildAsync(recipe, clean, killAfterItems: 0)).Should().BeTrue();
        Hashes(clean).Should().HaveCount(expectedFiles);

        bool killedMidRun = await RunChildAsync(recipe, killed, killAfterItems);
        int finishedBeforeKill = ManifestItems(killed);
        RunReport resumed = await RunInProcessAsync(recipe, killed);
        RunReport third = await RunInProcessAsync(recipe, killed);

        killedMidRun.Should().BeTrue("the child should still have been working when it was killed");
        resumed.Errors.Should().BeEmpty();
        resumed.Skipped.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(finishedBeforeKill);
        Hashes(killed).Should().BeEquivalentTo(Hashes(clean));
        third.Skipped.Should().Be(ManifestItems(killed), "a third run finds everything up to date");
        third.Steps["save"].Received.Should().Be(0);
        Directory.GetFiles(killed, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    private string WriteCrossfadeInputs(int songs)
    {
        foreach (string side in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(_directory, side));
            for (int i = 0; i < songs; i++)
            {
                int value = side == "a" ? i : 100 + i;
                File.WriteAllText(Path.Combine(_directory, side, $"song{i}.txt"), value.ToString(CultureInfo.InvariantCulture));
            }
        }

        string recipe = Path.Combine(_directory, "crossfade.yaml");
        File.WriteAllText(recipe, Crossfade);
        return recipe;
    }

    private string WriteBlendInputs(int songs)
    {
        Directory.CreateDirectory(Path.Combine(_directory, "songs"));
        for (int i = 0; i < songs; i++)
        {
            File.WriteAllText(Path.Combine(_directory, "songs", $"song{i}.txt"), "4");
        }

        string recipe = Path.Combine(_directory, "blend.yaml");
        File.WriteAllText(recipe, Blend);
        return recipe;
    }

    private static async Task<RunReport> RunInProcessAsync(string recipe, string output)
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create(), new RecipeLoadSettings { OutputRootOverride = output }).LoadFile(recipe);
        return await new RecipeRunner().RunAsync(plan, new RunOptions { Manifest = true }).WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Runs the recipe in a child process (this assembly's <see cref="ToyHost"/>); with <paramref name="killAfterItems"/>
    /// above 0, SIGKILLs it once that many source items are finished in its manifest.
    /// </summary>
    private static async Task<bool> RunChildAsync(string recipe, string output, int killAfterItems)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { typeof(ToyHost).Assembly.Location, "run", recipe, output })
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (killAfterItems == 0)
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            return process.ExitCode == 0 ? true : throw new InvalidOperationException(await stdout + await stderr);
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited && ManifestItems(output) < killAfterItems)
        {
            await Task.Delay(10);
        }

        bool running = !process.HasExited;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return running;
    }

    private static int ManifestItems(string output)
    {
        string path = Path.Combine(output, "manifest.jsonl");
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"kind\":\"item\"", StringComparison.Ordinal));
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*.txt", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
