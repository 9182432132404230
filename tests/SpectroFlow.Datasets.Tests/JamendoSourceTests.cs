using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Datasets.Jamendo;
using SpectroFlow.TestKit.Http;

namespace SpectroFlow.Datasets.Tests;

public sealed class JamendoSourceTests
{
    [Fact]
    public async Task Pages_with_offset_to_the_end_in_id_order()
    {
        await using var harness = new JamendoHarness();
        for (int id = 1450; id > 1000; id--)
        {
            harness.Api.Tracks.Add(JamendoHarness.Track(id)); // listed in reverse: only order=id_asc sorts them
        }

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options());

        items.Select(i => i.Key).Should().Equal(Enumerable.Range(1001, 450).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        IReadOnlyList<FakeRequest> listings = harness.Api.Listings;
        listings.Select(r => r.Param("offset")).Should().Equal("0", "200", "400");
        foreach (FakeRequest request in listings)
        {
            request.Path.Should().Be("/v3.0/tracks/");
            request.Param("client_id").Should().Be(JamendoHarness.ClientId);
            request.Param("format").Should().Be("json");
            request.Param("limit").Should().Be("200");
            request.Param("order").Should().Be("id_asc");
            request.Param("type").Should().Be("single albumtrack");
            request.Param("include").Should().Be("musicinfo licenses");
            request.Param("audiodlformat").Should().Be("mp32");
        }

        harness.LeftOut.Should().BeEmpty();
    }

    [Fact]
    public async Task A_full_last_page_is_followed_by_an_empty_one_without_warnings()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 20);

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(pageSize: 10));

        items.Should().HaveCount(20);
        harness.Api.Listings.Select(r => r.Param("offset")).Should().Equal("0", "10", "20");
    }

    [Fact]
    public async Task Max_tracks_caps_what_is_yielded()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 30);

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(pageSize: 10, maxTracks: 15));

        items.Select(i => i.Key).Should().Equal(Enumerable.Range(1, 15).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        harness.Api.Listings.Should().HaveCount(2);
    }

    [Fact]
    public async Task Reports_the_expected_count_when_the_api_gives_it()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 30);

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(query: "fullcount=true", pageSize: 10, maxTracks: 25));

        harness.Expected.Should().Be(25);
        items.Should().HaveCount(25);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date_and_capped()
    {
        var retry = new JamendoRetry(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(1));
        using var seconds = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "17");
        using var date = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(DateTimeOffset.UtcNow.AddHours(1));
        using var past = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        past.Headers.TryAddWithoutValidation("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
        using var none = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);

        retry.RetryAfter(seconds).Should().Be(TimeSpan.FromSeconds(17));
        retry.RetryAfter(date).Should().Be(TimeSpan.FromSeconds(120));
        retry.RetryAfter(past).Should().Be(TimeSpan.Zero);
        retry.RetryAfter(none).Should().BeNull();
    }

    [Fact]
    public async Task The_run_cancelling_stops_the_listing_with_a_cancellation()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 5);
        harness.Api.FailListing(1, new FakeFault(FakeFaultKind.Stall));
        var source = new JamendoSource(harness.Options() is var o ? new JamendoSourceOptions { Url = o.Url, ClientIdFile = o.ClientIdFile, TimeoutS = 60 } : null!);
        using var cancel = new CancellationTokenSource();

        Func<Task> read = async () =>
        {
            await foreach (SourceItem<JamendoTrack> item in source.ReadAsync(harness.Run.ForSource(_ => { }, "tracks"), cancel.Token))
            {
                _ = item;
            }
        };
        Task reading = read();
        while (harness.Api.Listings.Count == 0)
        {
            await Task.Delay(10);
        }

        await cancel.CancelAsync();
        await reading.Awaiting(t => t).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Passes_the_query_filters_through()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(1));
        harness.Api.Tracks.Add(new FakeTrack { Id = 2, Payload = JamendoHarness.Mp3, Genres = ["jazz"] });
        harness.Api.Tracks.Add(new FakeTrack { Id = 3, Payload = JamendoHarness.Mp3, Speed = "low" });
        harness.Api.Tracks.Add(new FakeTrack { Id = 4, Payload = JamendoHarness.Mp3, Speed = "veryhigh" });

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(query: "tags=electronic&speed=high+veryhigh&durationbetween=30_600", format: JamendoAudioFormat.Ogg));

        items.Select(i => i.Key).Should().Equal("1", "4");
        FakeRequest request = harness.Api.Listings.Single();
        request.Query.Should().EndWith("&audiodlformat=ogg&tags=electronic&speed=high+veryhigh&durationbetween=30_600");
    }

    [Fact]
    public async Task Leaves_out_tracks_that_may_not_be_downloaded_or_are_not_creative_commons()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(JamendoHarness.Track(10));
        harness.Api.Tracks.Add(new FakeTrack { Id = 11, DownloadAllowed = false });
        harness.Api.Tracks.Add(new FakeTrack { Id = 12, DownloadAllowed = null });
        harness.Api.Tracks.Add(new FakeTrack { Id = 13, LicenseUrl = "http://artlibre.org/licence/lal/en/" });
        harness.Api.Tracks.Add(new FakeTrack { Id = 14, RawId = "14; rm -rf" });
        harness.Api.Tracks.Add(new FakeTrack { Id = 15, IdAsNumber = true, DurationAsString = true, HasTags = false, LicenseUrl = "https://creativecommons.org/publicdomain/zero/1.0/" });

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options());

        items.Select(i => i.Key).Should().Equal("10", "15");
        harness.LeftOut.Select(r => (r.Step, r.Item, r.Reason)).Should().Equal(
            ("tracks", "11", JamendoSource.NotAllowed),
            ("tracks", "12", JamendoSource.NotAllowed),
            ("tracks", "13", JamendoSource.NotCreativeCommons),
            ("tracks", "invalid id 14; rm -rf", JamendoSource.InvalidId));
        items[1].Metadata!["license"].Should().Be("CC0 1.0");
        items[1].Metadata!["genres"].Should().Be(string.Empty);
        items[1].Metadata!["api_duration_seconds"].Should().Be(12L);
    }

    [Fact]
    public async Task Metadata_is_scalar_and_complete_and_never_holds_the_client_id()
    {
        await using var harness = new JamendoHarness();
        harness.Api.Tracks.Add(new FakeTrack
        {
            Id = 1848357,
            Name = "Quiet Storm",
            Artist = "Some/One",
            Album = "First LP",
            Duration = 272,
            Payload = JamendoHarness.Mp3,
            LicenseUrl = "http://creativecommons.org/licenses/by-nc-nd/3.0/",
            Genres = ["rock", "pop"],
            Instruments = ["bass", "guitar"],
            VarTags = null,
        });

        SourceItem<JamendoTrack> item = (await harness.ListAsync(harness.Options())).Single();

        item.Metadata.Should().BeEquivalentTo(new Dictionary<string, object>
        {
            ["jamendo_id"] = "1848357",
            ["title"] = "Quiet Storm",
            ["artist"] = "Some/One",
            ["album"] = "First LP",
            ["track_url"] = "https://www.jamendo.com/track/1848357",
            ["license_url"] = "http://creativecommons.org/licenses/by-nc-nd/3.0/",
            ["license"] = "CC BY-NC-ND 3.0",
            ["license_kind"] = "by-nc-nd",
            ["genres"] = "rock, pop",
            ["instruments"] = "bass, guitar",
            ["vartags"] = string.Empty,
            ["vocalinstrumental"] = "instrumental",
            ["gender"] = string.Empty,
            ["speed"] = "high",
            ["acousticelectric"] = "electric",
            ["release_date"] = "2021-04-11",
            ["api_duration_seconds"] = 272L,
            ["track_slug"] = "1848357_Some_One - Quiet Storm",
        });
        item.Payload.ToString().Should().Be($"jamendo:1848357 mp32 http://127.0.0.1:{harness.Api.Port}/download/track/1848357/mp32/ 272s http://creativecommons.org/licenses/by-nc-nd/3.0/");
    }

    public static TheoryData<FakeFault, string> RecoverableFaults => new()
    {
        { new FakeFault(FakeFaultKind.TooManyRequests, RetryAfter: "2"), "rate limited (HTTP 429)" },
        { new FakeFault(FakeFaultKind.RateLimitCode), "rate limited (code 6: Rate limit exceeded)" },
        { new FakeFault(FakeFaultKind.ServerError), "HTTP 500 Internal Server Error" },
        { new FakeFault(FakeFaultKind.Stall), "no response within 2 s" },
        { new FakeFault(FakeFaultKind.OverQuota), "over quota (an empty page with warnings: Quota exceeded for this month)" },
    };

    [Theory]
    [MemberData(nameof(RecoverableFaults))]
    public async Task A_fault_on_a_page_is_retried_and_the_listing_completes(FakeFault fault, string logged)
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 25);
        harness.Api.FailListing(2, fault);

        List<SourceItem<JamendoTrack>> items = await harness.ListAsync(harness.Options(pageSize: 10, timeout: 2));

        items.Select(i => i.Key).Should().Equal(Enumerable.Range(1, 25).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        harness.Api.Listings.Select(r => r.Param("offset")).Should().Equal("0", "10", "10", "20");
        harness.Log.Should().ContainSingle().Which.Should().Be($"jamendo: offset 10: {logged}; retry 1 of 3");
    }

    [Fact]
    public async Task When_retries_run_out_the_input_fails_with_one_line_after_yielding_what_it_had()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 25);
        for (int n = 2; n <= 4; n++)
        {
            harness.Api.FailListing(n, new FakeFault(FakeFaultKind.TooManyRequests, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT"));
        }

        var source = new JamendoSource(harness.Options(pageSize: 10, retries: 2));
        var keys = new List<string>();
        Func<Task> read = async () =>
        {
            await foreach (SourceItem<JamendoTrack> item in source.ReadAsync(harness.Run.ForSource(_ => { }, "tracks"), CancellationToken.None))
            {
                keys.Add(item.Key);
            }
        };

        (await read.Should().ThrowExactlyAsync<SpectroFlowException>())
            .WithMessage("rate limited (HTTP 429) at offset 10 after 3 tries; rerun later to continue");
        keys.Should().HaveCount(10);
        harness.Api.Listings.Should().HaveCount(4);
    }

    [Fact]
    public async Task Other_api_errors_fail_at_once_quoting_the_message_without_the_client_id()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 5);
        harness.Api.FailListing(1, new FakeFault(FakeFaultKind.ApiError, Code: 3));

        Func<Task> read = () => harness.ListAsync(harness.Options());

        (await read.Should().ThrowExactlyAsync<SpectroFlowException>()).Which.Message
            .Should().Be("Jamendo API error 3 at offset 0: Parameter error from app-***");
        harness.Api.Listings.Should().ContainSingle();
    }

    [Fact]
    public async Task An_invalid_client_id_fails_at_once()
    {
        await using var harness = new JamendoHarness();
        harness.AddTracks(1, 5);
        File.WriteAllText(Path.Combine(harness.Root, "client_id.txt"), "wrong-id");

        Func<Task> read = () => harness.ListAsync(harness.Options());

        (await read.Should().ThrowExactlyAsync<SpectroFlowException>()).WithMessage("Jamendo API error 5 at offset 0: Your credential is not authorized.");
        harness.Api.Listings.Should().ContainSingle();
    }

    [Fact]
    public async Task A_missing_client_id_is_one_line_when_the_input_runs()
    {
        await using var harness = new JamendoHarness();
        File.WriteAllText(Path.Combine(harness.Root, "client_id.txt"), " \n");
        Func<Task> empty = () => harness.ListAsync(harness.Options());
        (await empty.Should().ThrowExactlyAsync<SpectroFlowException>()).WithMessage("client_id_file 'client_id.txt' is empty");

        if (Environment.GetEnvironmentVariable(JamendoSource.ClientIdVariable) is null)
        {
            Func<Task> none = () => harness.ListAsync(harness.Options() is var o ? new JamendoSourceOptions { Url = o.Url } : null!);
            (await none.Should().ThrowExactlyAsync<SpectroFlowException>()).WithMessage("no client id: set JAMENDO_CLIENT_ID*");
        }

        harness.Api.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Validation_names_reserved_and_malformed_query_keys()
    {
        var options = new JamendoSourceOptions { Url = "ftp://x", Query = "tags=rock&client_id=abc&limit=5&order=name&speed&=x&tags=pop&include=stats" };
        var errors = new ValidationErrors();
        options.Validate(errors);

        errors.Errors.Select(e => $"{e.Key}: {e.Message}").Should().Equal(
            "url: 'ftp://x' is not an http or https URL",
            "query: 'client_id' is set by the input and may not be given in the query",
            "query: 'limit' is set by the input and may not be given in the query",
            "query: 'order' is set by the input and may not be given in the query",
            "query: 'speed' is not a filter of the form key=value (lower-case key)",
            "query: '=x' is not a filter of the form key=value (lower-case key)",
            "query: 'tags' is given twice",
            "query: 'include' is set by the input and may not be given in the query");

        var good = new ValidationErrors();
        new JamendoSourceOptions { Query = "tags=electronic&speed=high&durationbetween=30_600" }.Validate(good);
        good.IsEmpty.Should().BeTrue();
    }
}
