using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Engine;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit.Http;

namespace SpectroFlow.Datasets.Tests;

/// <summary>The input and the step in a real recipe run by the engine, against the fake API.</summary>
public sealed class JamendoRecipeTests
{
    [Fact]
    public async Task A_recipe_downloads_the_allowed_tracks_reports_left_out_and_failed_ones_and_the_source_error()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(11, "One", "A"));
        harness.Api.Tracks.Add(new FakeTrack { Id = 12, DownloadAllowed = false });
        harness.Api.Tracks.Add(JamendoHarness.Track(13, "Broken", "B", Encoding.ASCII.GetBytes(new string('x', 5000))));
        harness.Api.Tracks.Add(new FakeTrack { Id = 14, LicenseUrl = "http://artlibre.org/licence/lal/en/" });
        harness.Api.Tracks.Add(JamendoHarness.Track(15, "Five", "C", JamendoHarness.Ogg, 9));
        harness.Api.Tracks.Add(JamendoHarness.Track(16, "Six", "D"));
        for (int n = 4; n <= 5; n++)
        {
            harness.Api.FailListing(n, new FakeFault(FakeFaultKind.RateLimitCode));
        }

        string recipe = $"""
            inputs:
              - id: tracks
                use: jamendo
                url: {harness.Api.BaseUrl}
                client_id_file: client_id.txt
                query: tags=electronic
                page_size: 2
                retries: 1
                retry_delay_ms: 1
                quota_backoff_s: 0.01
                timeout_s: 10
            steps:
              - id: download
                use: download
                folder: audio
                retries: 1
                retry_delay_ms: 1
            outputs:
              root: out
              keep: [download]
            """;
        RunPlan plan = Load(harness, recipe);
        var log = new List<string>();

        RunReport report = await new RecipeRunner(line => { lock (log) { log.Add(line); } }).RunAsync(plan, CancellationToken.None);

        report.Outputs["download"].Select(i => i.Key).Should().BeEquivalentTo("11", "15", "16");
        report.Outputs["download"].Select(i => ((SourceFile)i.Payload).RelativePath).Should().BeEquivalentTo("11.mp3", "15.mp3", "16.mp3");
        report.LeftOut.Select(r => (r.Item, r.Reason)).Should().BeEquivalentTo(new[]
        {
            ("12", JamendoSource.NotAllowed),
            ("14", JamendoSource.NotCreativeCommons),
        });
        List<string> errors = [.. report.Errors.Select(e => e.ToString()).Order(StringComparer.Ordinal)];
        errors.Should().HaveCount(2);
        errors[0].Should().Match("download: *13: jamendo 13 'Broken' by B: payload does not decode: *");
        errors[1].Should().Be("tracks: rate limited (code 6: Rate limit exceeded) at offset 6 after 2 tries; rerun later to continue");
        Directory.GetFiles(Path.Combine(harness.Root, "out"), "*", SearchOption.AllDirectories)
            .Should().AllSatisfy(file => File.ReadAllText(file, Encoding.Latin1).Should().NotContain(JamendoHarness.ClientId));
        string.Join("\n", log).Should().NotContain(JamendoHarness.ClientId);
    }

    [Fact]
    public async Task All_faults_at_once_cost_only_the_bad_tracks_and_a_rerun_repeats_no_finished_download()
    {
        await using var harness = new JamendoHarness();
        const int count = 45;
        for (int id = 1001; id < 1001 + count; id++)
        {
            harness.Api.Tracks.Add(id switch
            {
                1003 => new FakeTrack { Id = id, DownloadAllowed = false, Payload = JamendoHarness.Mp3 },
                1007 => new FakeTrack { Id = id, LicenseUrl = "http://artlibre.org/licence/lal/en/", Payload = JamendoHarness.Mp3 },
                1011 => JamendoHarness.Track(id, "Corrupt", "X", Encoding.ASCII.GetBytes(new string('#', 20000))),
                1013 => JamendoHarness.Track(id, "a/../../b\tCON\u00e9\U0001F3B5", "NUL"),
                _ when id % 4 == 0 => JamendoHarness.Track(id, "Vorbis", "O", JamendoHarness.Ogg, 9),
                _ => JamendoHarness.Track(id),
            });
        }

        // Every listing fault, one after another on the first pages (page size 10: 5 pages).
        harness.Api.FailListing(1, new FakeFault(FakeFaultKind.TooManyRequests, RetryAfter: "0"));
        harness.Api.FailListing(2, new FakeFault(FakeFaultKind.ServerError));
        harness.Api.FailListing(4, new FakeFault(FakeFaultKind.RateLimitCode));
        harness.Api.FailListing(5, new FakeFault(FakeFaultKind.OverQuota));
        harness.Api.FailListing(7, new FakeFault(FakeFaultKind.Truncate, Bytes: 40));
        harness.Api.FailListing(9, new FakeFault(FakeFaultKind.ServerError));

        // Every download fault on some tracks: cut short, 500, 429, a stalled body.
        harness.Api.FailDownload(1002, new FakeFault(FakeFaultKind.Truncate, Bytes: 3000));
        harness.Api.FailDownload(1005, new FakeFault(FakeFaultKind.ServerError), new FakeFault(FakeFaultKind.Truncate, Bytes: 100));
        harness.Api.FailDownload(1006, new FakeFault(FakeFaultKind.TooManyRequests, RetryAfter: "0"));
        harness.Api.FailDownload(1009, new FakeFault(FakeFaultKind.StallBody, Bytes: 5000));
        string recipe = $"""
            inputs:
              - id: tracks
                use: jamendo
                url: {harness.Api.BaseUrl}
                client_id_file: client_id.txt
                page_size: 10
                retries: 4
                retry_delay_ms: 1
                quota_backoff_s: 0.01
                timeout_s: 2
            steps:
              - id: download
                use: download
                retries: 4
                retry_delay_ms: 1
                timeout_s: 2
            outputs:
              root: out
              keep: [download]
            """;
        RunPlan plan = Load(harness, recipe);
        var log = new ConcurrentQueue<string>();
        var options = new RunOptions { Manifest = true, ToolVersion = "test" };

        RunReport first = await new RecipeRunner(log.Enqueue).RunAsync(plan, options, CancellationToken.None);

        first.Outputs["download"].Should().HaveCount(count - 3, "all but the not-allowed, the non-CC and the corrupt track");
        first.Errors.Should().ContainSingle().Which.ToString().Should().Contain("jamendo 1011 'Corrupt' by X: payload does not decode");
        first.LeftOut.Select(r => r.Item).Should().BeEquivalentTo("1003", "1007");
        foreach (WorkItem item in first.Outputs["download"])
        {
            var file = (SourceFile)item.Payload;
            byte[] served = harness.Api.Tracks.Single(t => t.Id.ToString(CultureInfo.InvariantCulture) == item.Key).Payload;
            File.ReadAllBytes(file.FullPath).Should().Equal(served, $"track {item.Key} is whole");
        }

        IReadOnlyList<FakeRequest> before = harness.Api.Requests;
        RunReport second = await new RecipeRunner(log.Enqueue).RunAsync(plan, options, CancellationToken.None);

        second.Skipped.Should().Be(count - 3);
        harness.Api.Requests.Skip(before.Count).Where(r => r.Path.StartsWith("/download/", StringComparison.Ordinal))
            .Select(r => r.Path).Should().OnlyContain(p => p.Contains("/1011/", StringComparison.Ordinal), "only the failed track is tried again");
        Directory.GetFiles(harness.Root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("client_id.txt", StringComparison.Ordinal))
            .Should().AllSatisfy(f => File.ReadAllText(f, Encoding.Latin1).Should().NotContain(JamendoHarness.ClientId));
        string.Join("\n", log).Should().NotContain(JamendoHarness.ClientId);
    }

    [Fact]
    public void Recipe_options_are_bound_and_checked_at_load()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "r.yaml"), """
            inputs:
              - id: tracks
                use: jamendo
                query: tags=rock&limit=5
                page_size: 500
                audio_format: wav
            steps:
              - id: download
                use: download
                folder: ../up
            """);
        var registry = new BlockRegistry().AddEngineBlocks();
        DatasetsModule.Register(registry, JamendoHarness.Services);

        Action load = () => new RecipeLoader(registry, new RecipeLoadSettings()).LoadFile(Path.Combine(folder.Path, "r.yaml"));

        string message = load.Should().Throw<RecipeException>().Which.Message;
        message.Should().Contain("'limit' is set by the input").And.Contain("page_size").And.Contain("audio_format").And.Contain("folder");
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("sf-jamendo-recipe-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    /// <summary>The recipe saved in the harness's folder and loaded with the engine's and the dataset blocks.</summary>
    private static RunPlan Load(JamendoHarness harness, string recipe)
    {
        string path = Path.Combine(harness.Root, "jamendo.yaml");
        File.WriteAllText(path, recipe);
        var registry = new BlockRegistry().AddEngineBlocks();
        DatasetsModule.Register(registry, JamendoHarness.Services);
        return new RecipeLoader(registry, new RecipeLoadSettings()).LoadFile(path);
    }
}
