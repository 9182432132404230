using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Http;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// recipes/jamendo-lora.yaml as a user runs it (the CLI, the bundled recipe, JAMENDO_CLIENT_ID) against a fake Jamendo
/// API on loopback that serves real MP3 and OGG payloads: the dataset, the left-out and failed tracks, the client id
/// nowhere, and a kill -9 part-way then a re-run that repeats no finished download and writes no duplicate row.
/// </summary>
[Collection(JamendoEnvironment.Name)]
public sealed class JamendoLoraRecipeTests : IDisposable
{
    private const string ClientId = "c1d2e3f4deadbeef";
    private static readonly string s_recipe = Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", "recipes", "jamendo-lora.yaml"));
    private static readonly byte[] s_mp3 = File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "house_c_major_124bpm.mp3"));
    private static readonly byte[] s_ogg = File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "lofi_d_dorian_80bpm.ogg"));
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-jamendo-").FullName;

    public JamendoLoraRecipeTests() => Environment.SetEnvironmentVariable("JAMENDO_CLIENT_ID", ClientId);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("JAMENDO_CLIENT_ID", null);
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Recipe_BuildsTheDataset_CountsWhatItLeftOut_AndNeverWritesTheClientId()
    {
        await using var api = new FakeJamendoApi(ClientId);
        api.Tracks.Add(new FakeTrack { Id = 101, Name = "Night Drive", Artist = "Ana, \"the\" DJ", Payload = s_mp3 });
        api.Tracks.Add(new FakeTrack { Id = 102, Name = "Not Allowed", DownloadAllowed = false, Payload = s_mp3 });
        api.Tracks.Add(new FakeTrack { Id = 103, Name = "../../etc/passwd", Artist = "CON", Payload = s_ogg, Duration = 9, Genres = ["electronic", "lofi"], Instruments = [], VarTags = null });
        api.Tracks.Add(new FakeTrack { Id = 104, Name = "Free Art", LicenseUrl = "http://artlibre.org/licence/lal/en/", Payload = s_mp3 });
        api.Tracks.Add(new FakeTrack { Id = 105, Name = "Broken", Artist = "Noise", Payload = Encoding.ASCII.GetBytes(new string('x', 9000)) });
        api.Tracks.Add(new FakeTrack { Id = 106, Name = "Second", Artist = "Bo", Payload = s_mp3, LicenseUrl = "https://creativecommons.org/licenses/by/4.0/" });
        string output = Path.Combine(_directory, "dataset");

        CliResult result = await CliRunner.RunAsync("run", s_recipe, "--set", $"jamendo_url={api.BaseUrl}", "--set", "jamendo_query=tags=electronic", "--output", output);

        result.ExitCode.Should().Be(1, "one track does not decode: " + result.Output + result.Error);
        result.Output.Should().Contain("download: #2 105: jamendo 105 'Broken' by Noise: payload does not decode: Cannot decode '105.mp3'");
        result.Output.Should().Contain("jamendo: left out 1 (audio download not allowed)").And.Contain("jamendo: left out 1 (licence not Creative Commons)");
        api.Listings.Should().OnlyContain(r => r.Param("tags") == "electronic" && r.Param("order") == "id_asc" && r.Param("type") == "single albumtrack");

        string[] rows = File.ReadAllLines(Path.Combine(output, "train", "metadata.jsonl"));
        rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("jamendo_id").GetString()).Should().Equal("101", "101", "103", "106", "106");
        JsonElement first = JsonDocument.Parse(rows[0]).RootElement;
        first.GetProperty("text").GetString().Should().Be("electronic, synthesizer, energetic, instrumental, 124 bpm");
        JsonDocument.Parse(rows[2]).RootElement.GetProperty("text").GetString().Should().Be("electronic, lofi, instrumental, 80 bpm", "empty tag lists leave no empty fragments");
        foreach (string row in rows)
        {
            File.Exists(Path.Combine(output, "train", JsonDocument.Parse(row).RootElement.GetProperty("file_name").GetString()!)).Should().BeTrue();
        }

        string credits = File.ReadAllText(Path.Combine(output, "credits.csv"));
        credits.Should().StartWith("jamendo_id,title,artist,album,track_url,license,license_url,slices");
        credits.Should().Contain("101,Night Drive,\"Ana, \"\"the\"\" DJ\"").And.Contain("106,Second,Bo").And.NotContain("104").And.NotContain("105,");
        string card = File.ReadAllText(Path.Combine(output, "README.md"));
        card.Should().Contain("audio download not allowed").And.Contain("licence not Creative Commons").And.Contain("payload does not decode");
        File.Exists(Path.Combine(output, "charts", "bpm.png")).Should().BeTrue();

        Directory.GetFiles(output, "*", SearchOption.AllDirectories).Where(f => Path.GetRelativePath(output, f).Contains("..", StringComparison.Ordinal))
            .Should().BeEmpty("hostile names never leave the output folder");
        Directory.GetFileSystemEntries(_directory).Should().Equal([output], "nothing is written beside the dataset");
        foreach (string file in Directory.GetFiles(output, "*", SearchOption.AllDirectories))
        {
            File.ReadAllText(file, Encoding.Latin1).Should().NotContain(ClientId, file);
        }

        (result.Output + result.Error).Should().NotContain(ClientId);
    }

    [Fact]
    public async Task Recipe_KilledPartWay_ThenRerun_RepeatsNoFinishedDownload_AndWritesEachRowOnce()
    {
        const int tracks = 8;
        await using var api = new FakeJamendoApi(ClientId) { DownloadDelay = TimeSpan.FromMilliseconds(700) };
        for (int id = 1; id <= tracks; id++)
        {
            api.Tracks.Add(new FakeTrack { Id = 200 + id, Name = $"Track {id}", Artist = "Kill Test", Payload = s_mp3 });
        }

        string output = Path.Combine(_directory, "killed");
        string[] args = ["run", s_recipe, "--set", $"jamendo_url={api.BaseUrl}", "--output", output];

        HashSet<string> finishedBeforeKill = await RunAndKillAfterFirstItemAsync(args, Path.Combine(output, "manifest.jsonl"));
        CliResult resumed = await CliRunner.RunAsync(args);

        finishedBeforeKill.Should().NotBeEmpty().And.HaveCountLessThan(tracks, "the kill came part-way");
        resumed.ExitCode.Should().Be(0, resumed.Output + resumed.Error);
        resumed.Output.Should().MatchRegex(@"[1-9]\d* items? skipped");
        foreach (string id in finishedBeforeKill)
        {
            api.Downloads(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)).Should().ContainSingle($"track {id} was finished before the kill");
        }

        string[] rows = File.ReadAllLines(Path.Combine(output, "train", "metadata.jsonl"));
        rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("file_name").GetString()).Should().OnlyHaveUniqueItems().And.HaveCount(2 * tracks);
        File.ReadAllLines(Path.Combine(output, "credits.csv")).Should().HaveCount(tracks + 1);
        Directory.GetFiles(output, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
        Directory.GetFiles(Path.Combine(output, "downloads")).Should().HaveCount(tracks);
    }

    [Fact]
    public async Task Recipe_Rerun_FetchesOnlyNewTracks_AndPruneRemovesTheSlicesOfATrackGoneFromTheQuery()
    {
        await using var api = new FakeJamendoApi(ClientId);
        for (int id = 301; id <= 303; id++)
        {
            api.Tracks.Add(new FakeTrack { Id = id, Name = $"Track {id}", Artist = "Prune", Payload = s_mp3 });
        }

        string output = Path.Combine(_directory, "nightly");
        string[] args = ["run", s_recipe, "--set", $"jamendo_url={api.BaseUrl}", "--output", output];
        (await CliRunner.RunAsync(args)).ExitCode.Should().Be(0);
        string[] slicesOf302 = [.. Directory.GetFiles(Path.Combine(output, "train"), "302_*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        slicesOf302.Should().HaveCount(2);

        api.Tracks.RemoveAll(t => t.Id == 302);
        api.Tracks.Add(new FakeTrack { Id = 304, Name = "New tonight", Artist = "Prune", Payload = s_mp3 });
        CliResult nightly = await CliRunner.RunAsync([.. args, "--prune"]);

        nightly.ExitCode.Should().Be(0, nightly.Output + nightly.Error);
        nightly.Output.Should().Contain("2 items skipped (already done)").And.Contain("2 files pruned");
        new[] { 301, 302, 303, 304 }.Select(id => api.Downloads(id).Count).Should().Equal(1, 1, 1, 1);
        string[] rows = File.ReadAllLines(Path.Combine(output, "train", "metadata.jsonl"));
        rows.Select(r => JsonDocument.Parse(r).RootElement.GetProperty("jamendo_id").GetString()).Should().Equal("301", "301", "303", "303", "304", "304");
        slicesOf302.Should().OnlyContain(name => !File.Exists(Path.Combine(output, "train", name)));
        File.ReadAllText(Path.Combine(output, "credits.csv")).Should().NotContain("302,").And.Contain("304,New tonight");
    }

    private static async Task<HashSet<string>> RunAndKillAfterFirstItemAsync(string[] args, string manifest)
    {
        using Process process = ChildCli.Start(args);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120) && !process.HasExited && FinishedKeys(manifest).Count == 0)
        {
            await Task.Delay(50);
        }

        process.HasExited.Should().BeFalse("the run should still have been working when it was killed");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return FinishedKeys(manifest);
    }

    private static HashSet<string> FinishedKeys(string manifest)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(manifest))
        {
            return keys;
        }

        using var stream = new FileStream(manifest, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains("\"kind\":\"item\"", StringComparison.Ordinal) && line.Contains("\"status\":\"ok\"", StringComparison.Ordinal))
            {
                try
                {
                    keys.Add(JsonDocument.Parse(line).RootElement.GetProperty("key").GetString()!);
                }
                catch (JsonException)
                {
                    // The line being written when the process was killed.
                }
            }
        }

        return keys;
    }
}

/// <summary>Tests that set JAMENDO_CLIENT_ID for the process (and its children) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class JamendoEnvironment
{
    public const string Name = "JAMENDO_CLIENT_ID";
}
