using SpectroFlow.Datasets.Jamendo;

namespace SpectroFlow.Datasets.Tests;

public sealed class JamendoParsingTests
{
    private const string Secret = "zq7CLIENTsecret42";

    [Theory]
    [InlineData("http://creativecommons.org/licenses/by-nc-nd/3.0/", "by-nc-nd", "CC BY-NC-ND 3.0")]
    [InlineData("https://creativecommons.org/licenses/by/4.0", "by", "CC BY 4.0")]
    [InlineData("http://creativecommons.org/licenses/by-sa/2.0/fr/", "by-sa", "CC BY-SA 2.0")]
    [InlineData("https://creativecommons.org/licenses/by-nc-sa/3.0/", "by-nc-sa", "CC BY-NC-SA 3.0")]
    [InlineData("https://creativecommons.org/publicdomain/zero/1.0/", "cc0", "CC0 1.0")]
    public void Reads_creative_commons_licences(string url, string kind, string label)
    {
        JamendoLicense? license = JamendoLicense.Parse(url);
        license.Should().NotBeNull();
        license!.Kind.Should().Be(kind);
        license.Label.Should().Be(label);
    }

    [Theory]
    [InlineData("http://artlibre.org/licence/lal/en/")]
    [InlineData("")]
    [InlineData("http://creativecommons.org/licenses/by-xx/3.0/")]
    [InlineData("http://creativecommons.org/licenses/by/")]
    [InlineData("http://evil.example/creativecommons.org/licenses/by/3.0/")]
    [InlineData("ftp://creativecommons.org/licenses/by/3.0/")]
    [InlineData("http://creativecommons.org.evil.example/licenses/by/3.0/")]
    public void Rejects_anything_else(string url) => JamendoLicense.Parse(url).Should().BeNull();

    [Fact]
    public void Parses_the_typing_traps_of_the_real_api()
    {
        string json = """
        {"headers":{"status":"success","code":0,"error_message":"","warnings":"","results_count":3,"results_fullcount":"1234"},
         "results":[
          {"id":1848357,"name":"Quiet","duration":"272","position":"3","artist_name":"Some One","album_name":"LP",
           "license_ccurl":"http://creativecommons.org/licenses/by-nc-nd/3.0/","releasedate":"2021-04-11",
           "audio":"https://prod-1.storage.jamendo.com/?trackid=1848357&format=mp31&from=app-zq7CLIENTsecret42",
           "audiodownload":"https://prod-1.storage.jamendo.com/download/track/1848357/mp32/?from=app-zq7CLIENTsecret42",
           "audiodownload_allowed":true,"shareurl":"https://www.jamendo.com/track/1848357",
           "waveform":"{\"peaks\":[0,0,30]}",
           "musicinfo":{"vocalinstrumental":"instrumental","gender":"","speed":"high","acousticelectric":"electric",
                        "tags":{"genres":["rock","pop"],"instruments":null,"vartags":[]}},
           "licenses":{"ccnc":"true","ccnd":"true","ccsa":"false"}},
          {"id":"42","name":"No flag","duration":10,"audiodownload":"","musicinfo":{"tags":null}},
          {"id":"x1","name":"Bad id","duration":1.6,"audiodownload_allowed":"true"}
         ]}
        """;
        var redaction = new ClientIdRedaction();
        redaction.Add(Secret);
        JamendoPage page = JamendoPage.Parse(json, "mp32", redaction);

        page.Code.Should().Be(0);
        page.FullCount.Should().Be(1234);
        page.Tracks.Should().HaveCount(3);
        JamendoTrack first = page.Tracks[0];
        first.Id.Should().Be("1848357");
        first.DurationSeconds.Should().Be(272);
        first.Position.Should().Be(3);
        first.AudioDownloadAllowed.Should().BeTrue();
        first.License!.Label.Should().Be("CC BY-NC-ND 3.0");
        first.Genres.Should().Equal("rock", "pop");
        first.Instruments.Should().BeEmpty();
        first.VarTags.Should().BeEmpty();
        first.ToString().Should().Be("jamendo:1848357 mp32 https://prod-1.storage.jamendo.com/download/track/1848357/mp32/ 272s http://creativecommons.org/licenses/by-nc-nd/3.0/");
        first.ToString().Should().NotContain(Secret);

        page.Tracks[1].AudioDownloadAllowed.Should().BeFalse("a missing flag means not allowed");
        page.Tracks[1].Genres.Should().BeEmpty();
        page.Tracks[1].HasValidId.Should().BeTrue();
        page.Tracks[2].HasValidId.Should().BeFalse();
        page.Tracks[2].DurationSeconds.Should().Be(2);
        page.Tracks[2].AudioDownloadAllowed.Should().BeTrue();
    }

    [Fact]
    public void Reads_failures_by_code_not_status_text()
    {
        JamendoPage page = JamendoPage.Parse("""{"headers":{"status":"success","code":6,"error_message":"Rate limit exceeded","warnings":""},"results":[]}""", "mp32", new ClientIdRedaction());
        page.Code.Should().Be(6);
        page.ErrorMessage.Should().Be("Rate limit exceeded");

        JamendoPage ok = JamendoPage.Parse("""{"headers":{"status":"succeed","code":"0","warnings":"Quota exceeded"},"results":[]}""", "mp32", new ClientIdRedaction());
        ok.Code.Should().Be(0);
        ok.Warnings.Should().Be("Quota exceeded");
    }

    [Fact]
    public void Redaction_removes_the_id_anywhere_and_strips_id_parameters()
    {
        var redaction = new ClientIdRedaction();
        redaction.Add(Secret);
        redaction.Redact($"GET /tracks?client_id={Secret}&x=1 failed (app-{Secret})").Should().Be("GET /tracks?client_id=***&x=1 failed (app-***)");
        redaction.StripUrl($"https://h/download/?trackid=1&client_id={Secret}&from=app-{Secret}&format=mp32").Should().Be("https://h/download/?trackid=1&format=mp32");
    }

    [Theory]
    [InlineData("1", true, "https://prod-1.storage.jamendo.com/download/track/1/mp32/", "http://creativecommons.org/licenses/by/3.0/", null)]
    [InlineData("1", false, "https://prod-1.storage.jamendo.com/download/track/1/mp32/", "http://creativecommons.org/licenses/by/3.0/", "audio download not allowed")]
    [InlineData("1", true, "", "http://creativecommons.org/licenses/by/3.0/", "audio download not allowed")]
    [InlineData("1", true, "file:///etc/passwd", "http://creativecommons.org/licenses/by/3.0/", "invalid download url")]
    [InlineData("1", true, "/download/track/1/", "http://creativecommons.org/licenses/by/3.0/", "invalid download url")]
    [InlineData("1", true, "https://prod-1.storage.jamendo.com/download/track/1/mp32/", "http://artlibre.org/licence/lal/en/", "licence not Creative Commons")]
    [InlineData("-1", true, "https://prod-1.storage.jamendo.com/download/track/1/mp32/", "http://creativecommons.org/licenses/by/3.0/", "invalid id")]
    [InlineData("", true, "https://prod-1.storage.jamendo.com/download/track/1/mp32/", "http://creativecommons.org/licenses/by/3.0/", "invalid id")]
    public void Decides_which_tracks_are_yielded(string id, bool allowed, string download, string license, string? reason)
    {
        var track = new JamendoTrack { Id = id, AudioDownloadAllowed = allowed, AudioDownload = download, LicenseUrl = license, License = JamendoLicense.Parse(license) };
        SpectroFlow.Datasets.Blocks.JamendoSource.Check(track).Should().Be(reason);
    }
}
