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
        string path = Path.Combine(harness.Root, "jamendo.yaml");
        File.WriteAllText(path, recipe);
        var registry = new BlockRegistry().AddEngineBlocks();
        DatasetsModule.Register(registry, JamendoHarness.Services);
        RunPlan plan = new RecipeLoader(registry, new RecipeLoadSettings()).LoadFile(path);
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
        errors[1].Should().Be("tracks: jamendo: rate limited (code 6: Rate limit exceeded) at offset 6 after 2 tries; rerun later to continue");
        Directory.GetFiles(Path.Combine(harness.Root, "out"), "*", SearchOption.AllDirectories)
            .Should().AllSatisfy(file => File.ReadAllText(file, Encoding.Latin1).Should().NotContain(JamendoHarness.ClientId));
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
}
