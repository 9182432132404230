using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Datasets.Jamendo;
using SpectroFlow.TestKit.Http;

namespace SpectroFlow.Datasets.Tests;

public sealed class DownloadBlockTests
{
    private static readonly string s_mp3Sha = Convert.ToHexStringLower(SHA256.HashData(JamendoHarness.Mp3));

    [Fact]
    public async Task Downloads_verifies_and_publishes_the_file()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(501));
        harness.Api.Tracks.Add(new FakeTrack { Id = 502, Payload = JamendoHarness.Ogg, Duration = 9 });
        List<SourceItem<JamendoTrack>> mp3 = await harness.ListAsync(harness.Options(query: "speed=high"));
        DownloadBlock block = harness.Download();

        (SourceFile file, BlockContext context) = await JamendoHarness.DownloadAsync(block, harness.Run, mp3[0]);

        string expected = Path.Combine(harness.OutputRoot, "downloads", "501.mp3");
        file.Should().Be(new SourceFile(expected, "501.mp3"));
        SHA256.HashData(File.ReadAllBytes(expected)).Should().Equal(SHA256.HashData(JamendoHarness.Mp3));
        context.OutputMetadata.Should().BeEquivalentTo(new Dictionary<string, object> { ["source_path"] = expected, ["audio_sha256"] = s_mp3Sha });
        harness.Api.Downloads(501).Should().ContainSingle().Which.Headers.Should().NotContainKey("range");
        Directory.GetFiles(Path.Combine(harness.OutputRoot, "downloads")).Select(Path.GetFileName).Should().Equal("501.mp3");

        List<SourceItem<JamendoTrack>> ogg = await harness.ListAsync(harness.Options(format: JamendoAudioFormat.Ogg));
        (SourceFile oggFile, _) = await JamendoHarness.DownloadAsync(block, harness.Run, ogg.Single(i => i.Key == "502"));
        oggFile.RelativePath.Should().Be("502.ogg");
        File.ReadAllBytes(oggFile.FullPath).Should().Equal(JamendoHarness.Ogg);
        harness.Api.Downloads(502).Single().Path.Should().Be("/download/track/502/ogg/");
    }

    [Theory]
    [InlineData(FakeFaultKind.Truncate)]
    [InlineData(FakeFaultKind.StallBody)]
    public async Task A_body_cut_short_is_resumed_with_a_range_request(FakeFaultKind kind)
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(601));
        harness.Api.FailDownload(601, new FakeFault(kind, Bytes: 50_000));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        (SourceFile file, BlockContext context) = await JamendoHarness.DownloadAsync(harness.Download(timeout: 2), harness.Run, item);

        IReadOnlyList<FakeRequest> downloads = harness.Api.Downloads(601);
        downloads.Should().HaveCount(2);
        downloads[0].Headers.Should().NotContainKey("range");
        downloads[1].Headers["range"].Should().Be("bytes=50000-");
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file.FullPath))).Should().Be(s_mp3Sha);
        context.OutputMetadata["audio_sha256"].Should().Be(s_mp3Sha);
        harness.Log.Should().ContainSingle().Which.Should().StartWith("download: jamendo 601 'Title' by Artist: ");
        Directory.GetFiles(Path.GetDirectoryName(file.FullPath)!).Should().ContainSingle();
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_restarts_the_file_from_zero()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(new FakeTrack { Id = 610, Payload = JamendoHarness.Mp3, SupportsRange = false });
        harness.Api.FailDownload(610, new FakeFault(FakeFaultKind.Truncate, Bytes: 70_000));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        (SourceFile file, _) = await JamendoHarness.DownloadAsync(harness.Download(), harness.Run, item);

        harness.Api.Downloads(610)[1].Headers["range"].Should().Be("bytes=70000-");
        File.ReadAllBytes(file.FullPath).Should().Equal(JamendoHarness.Mp3);
    }

    [Fact]
    public async Task A_download_that_keeps_timing_out_fails_with_one_line_not_a_cancellation()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(620, "Slow", "Snail"));
        harness.Api.FailDownload(620, new FakeFault(FakeFaultKind.Stall), new FakeFault(FakeFaultKind.StallBody, Bytes: 10));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        Func<Task> download = () => JamendoHarness.DownloadAsync(harness.Download(retries: 1, timeout: 2), harness.Run, item);

        (await download.Should().ThrowExactlyAsync<SpectroFlowException>()).Which.Message
            .Should().Be("jamendo 620 'Slow' by Snail: download failed after 2 tries: no data for 2 s");
        harness.Api.Downloads(620)[1].Headers.Should().NotContainKey("range", "the stalled first try wrote nothing");
    }

    [Fact]
    public async Task The_run_cancelling_is_a_cancellation_not_a_failure()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(630));
        harness.Api.FailDownload(630, new FakeFault(FakeFaultKind.StallBody, Bytes: 10));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();
        DownloadBlock block = new(new DownloadOptions { TimeoutS = 60 }, JamendoHarness.Services, new BlockServices("download", harness.Run));
        using var cancel = new CancellationTokenSource();
        var context = new BlockContext(harness.Run, "download", WorkItem.Create("630", 0, item.Payload, 42));

        ValueTask<SourceFile> running = block.ProcessAsync(item.Payload, context, cancel.Token);
        while (harness.Api.Downloads(630).Count == 0)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();
        Func<Task> wait = async () => await running;
        await wait.Should().ThrowAsync<OperationCanceledException>();
        Directory.GetFiles(Path.Combine(harness.OutputRoot, "downloads")).Should().BeEmpty();
    }

    [Theory]
    [InlineData(FakeFaultKind.TooManyRequests)]
    [InlineData(FakeFaultKind.ServerError)]
    [InlineData(FakeFaultKind.Stall)]
    public async Task Throttling_server_errors_and_timeouts_are_retried(FakeFaultKind kind)
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(602));
        harness.Api.FailDownload(602, new FakeFault(kind, RetryAfter: "0"));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        (SourceFile file, _) = await JamendoHarness.DownloadAsync(harness.Download(timeout: 2), harness.Run, item);

        File.ReadAllBytes(file.FullPath).Should().Equal(JamendoHarness.Mp3);
        harness.Api.Downloads(602).Should().HaveCount(2);
    }

    [Fact]
    public async Task When_retries_run_out_the_item_fails_with_one_line_naming_the_track()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(603, "Lost", "Nobody"));
        harness.Api.FailDownload(603, new FakeFault(FakeFaultKind.ServerError), new FakeFault(FakeFaultKind.ServerError));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        Func<Task> download = () => JamendoHarness.DownloadAsync(harness.Download(retries: 1), harness.Run, item);

        (await download.Should().ThrowExactlyAsync<SpectroFlowException>())
            .WithMessage("jamendo 603 'Lost' by Nobody: download failed after 2 tries: HTTP 503 Service Unavailable");
        Directory.Exists(Path.Combine(harness.OutputRoot, "downloads")).Should().BeTrue();
        Directory.GetFiles(Path.Combine(harness.OutputRoot, "downloads")).Should().BeEmpty();
    }

    [Fact]
    public async Task A_payload_that_does_not_decode_fails_only_that_track()
    {
        await using var harness = new JamendoHarness();
        byte[] noise = new byte[100_000];
        new Random(7).NextBytes(noise);
        harness.Api.Tracks.Add(JamendoHarness.Track(701, "Noise", "Static", noise));
        harness.Api.Tracks.Add(JamendoHarness.Track(702, "Half", "Cut", JamendoHarness.Mp3[..(JamendoHarness.Mp3.Length / 3)]));
        harness.Api.Tracks.Add(JamendoHarness.Track(703));
        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options());
        DownloadBlock block = harness.Download();

        Func<Task> noisy = () => JamendoHarness.DownloadAsync(block, harness.Run, items[0]);
        Func<Task> half = () => JamendoHarness.DownloadAsync(block, harness.Run, items[1]);
        (await noisy.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should()
            .StartWith("jamendo 701 'Noise' by Static: payload does not decode: ").And.NotContain("\n").And.NotContain(harness.Root);
        (await half.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should()
            .MatchRegex(@"^jamendo 702 'Half' by Cut: payload does not decode: decoded [34]\.\d s, the API says 12 s$");
        (SourceFile good, _) = await JamendoHarness.DownloadAsync(block, harness.Run, items[2]);

        Directory.GetFiles(Path.Combine(harness.OutputRoot, "downloads")).Should().Equal(good.FullPath);
        harness.Api.Downloads(701).Should().ContainSingle("a complete body that does not decode is not fetched again");
    }

    [Fact]
    public async Task A_finished_file_is_not_downloaded_again_and_a_damaged_one_is_replaced()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(801));
        harness.Api.Tracks.Add(JamendoHarness.Track(802));
        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options());
        (SourceFile first, _) = await JamendoHarness.DownloadAsync(harness.Download(), harness.Run, items[0]);
        string damaged = Path.Combine(harness.OutputRoot, "downloads", "802.mp3");
        File.WriteAllBytes(damaged, Encoding.ASCII.GetBytes("not audio"));

        RunContext rerun = harness.NewRun();
        (SourceFile again, BlockContext context) = await JamendoHarness.DownloadAsync(harness.Download(), rerun, items[0]);
        (SourceFile replaced, _) = await JamendoHarness.DownloadAsync(harness.Download(), rerun, items[1]);

        again.Should().Be(first);
        context.OutputMetadata["audio_sha256"].Should().Be(s_mp3Sha);
        harness.Api.Downloads(801).Should().ContainSingle();
        harness.Api.Downloads(802).Should().ContainSingle();
        File.ReadAllBytes(replaced.FullPath).Should().Equal(JamendoHarness.Mp3);
    }

    [Fact]
    public async Task A_missing_file_fails_at_once()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(901, "Gone", "Away"));
        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();
        harness.Api.Tracks.Clear();

        Func<Task> download = () => JamendoHarness.DownloadAsync(harness.Download(), harness.Run, item);

        (await download.Should().ThrowExactlyAsync<SpectroFlowException>()).WithMessage("jamendo 901 'Gone' by Away: download failed: HTTP 404 Not Found");
        harness.Api.Downloads(901).Should().ContainSingle();
    }

    [Fact]
    public async Task The_client_id_appears_in_no_message_metadata_or_file_and_hostile_names_get_safe_unique_slugs()
    {
        await using var harness = new JamendoHarness();
        string[] artists = ["../../etc", "CON", "a/b", "Beyonce\u0301", "Beyonc\u00e9", "\U0001F3B5\t\n", $"app-{JamendoHarness.ClientId}", ""];
        for (int i = 0; i < artists.Length; i++)
        {
            harness.Api.Tracks.Add(JamendoHarness.Track(1000 + i, i % 2 == 0 ? "PRN" : "..", artists[i]));
        }

        harness.Api.FailListing(1, new FakeFault(FakeFaultKind.ApiError, Code: 6));
        harness.Api.FailListing(2, new FakeFault(FakeFaultKind.ServerError));
        harness.Api.FailDownload(1001, new FakeFault(FakeFaultKind.Truncate, Bytes: 1000));
        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(pageSize: 5));
        DownloadBlock block = harness.Download(retries: 0);
        harness.Api.FailDownload(1002, new FakeFault(FakeFaultKind.ServerError));
        var messages = new List<string>(harness.Log);
        var metadata = new List<object>();
        foreach (SourceItem<JamendoTrack> item in items)
        {
            metadata.AddRange(item.Metadata!.Values);
            messages.Add(item.Payload.ToString());
            try
            {
                (_, BlockContext context) = await JamendoHarness.DownloadAsync(block, harness.Run, item);
                metadata.AddRange(context.OutputMetadata.Values);
            }
            catch (SpectroFlowException ex)
            {
                messages.Add(ex.Message);
            }
        }

        messages.AddRange(harness.Log);
        messages.Should().Contain(m => m.Contains("rate limited (code 6: Parameter error from app-***)", StringComparison.Ordinal));
        messages.Should().Contain(m => m.StartsWith("jamendo 1002 'PRN' by a/b: download failed after 1 try: HTTP 503", StringComparison.Ordinal));
        messages.Should().Contain(m => m.StartsWith("jamendo 1001 '..' by CON: download failed after 1 try: connection broken", StringComparison.Ordinal));
        messages.Concat(metadata.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!))
            .Should().NotContain(m => m.Contains(JamendoHarness.ClientId, StringComparison.Ordinal));
        foreach (string path in Directory.GetFiles(harness.OutputRoot, "*", SearchOption.AllDirectories))
        {
            Encoding.Latin1.GetString(File.ReadAllBytes(path)).Should().NotContain(JamendoHarness.ClientId, path);
        }

        List<string> slugs = [.. items.Select(i => (string)i.Metadata!["track_slug"])];
        slugs.Should().Equal(
            "1000__.._etc - PRN",
            "1001_CON -",
            "1002_a_b - PRN",
            "1003_Beyonc\u00e9 -",
            "1004_Beyonc\u00e9 - PRN",
            "1005_\U0001F3B5   -",
            "1006_app-*** - PRN",
            "1007_-");
        slugs.Should().OnlyHaveUniqueItems();
        Directory.GetFiles(Path.Combine(harness.OutputRoot, "downloads")).Select(Path.GetFileName).Should().BeEquivalentTo(
            "1000.mp3", "1003.mp3", "1004.mp3", "1005.mp3", "1006.mp3", "1007.mp3");
        Directory.GetFiles(harness.OutputRoot, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories).Should().BeEmpty();
    }
}
