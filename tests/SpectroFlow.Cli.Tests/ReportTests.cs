using System.Text.RegularExpressions;
using SpectroFlow.Cli.Reporting;
using SpectroFlow.Engine.Reporting;
using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

public sealed partial class ReportTests
{
    private const string OddName = "a b/<x>&\"'#é.mp3";

    [Fact]
    public void Html_EscapesTextAndEncodesEveryLinkPerSegment()
    {
        string html = ReportHtml.Render(OddReport(), [new OutputView(s_oddOutput, "report_files/0001.png", "audio/mpeg", [new("sample rate", "44100 Hz")], null)]);

        html.Should().NotContain("<script").And.NotContain("<x>").And.Contain("&lt;script&gt;alert(&quot;k&quot;)&lt;/script&gt;");
        html.Should().Contain("href=\"a%20b/%3Cx%3E%26%22%27%23%C3%A9.mp3\"");
        html.Should().Contain("<source src=\"a%20b/%3Cx%3E%26%22%27%23%C3%A9.mp3\" type=\"audio/mpeg\">");
        html.Should().Contain("<img src=\"report_files/0001.png\"");
        html.Should().Contain("a b/&lt;x&gt;&amp;&quot;&#39;#&#233;.mp3");
        foreach (Match link in LinkPattern().Matches(html))
        {
            string target = link.Groups[1].Value;
            target.Should().NotStartWith("/").And.NotContain(":").And.NotContain(" ", $"{target} must be relative and encoded");
        }
    }

    [Fact]
    public void Html_ShowsCountsErrorsAndTempo_WithNoNetworkReference()
    {
        string html = ReportHtml.Render(OddReport(), []);

        html.Should().Contain("id=\"count-items\">2<").And.Contain("id=\"count-outputs\">1<").And.Contain("id=\"count-skipped\">3<").And.Contain("id=\"count-errors\">1<");
        html.Should().Contain("<li>mp3: broken.wav: cannot decode &lt;bad&gt;</li>");
        html.Should().Contain("tempo: 123.5 BPM (confidence 0.87)");
        html.Should().NotContain("http://").And.NotContain("https://").And.NotContain("<script").And.NotContain("<link");
    }

    [Fact]
    public void Read_TakesCountsTempoAndErrorsFromTheManifest()
    {
        using var directory = new TemporaryDirectory();
        var metadata = new Dictionary<string, object> { ["bpm"] = 96.0, ["tempo_confidence"] = 0.5, ["source_path"] = "x.wav" };
        RunManifest.Write(
            Path.Combine(directory.Path, "manifest.jsonl"),
            new ManifestHeader("h", "v", new Dictionary<string, string>(), 1, null),
            [
                new ManifestEntry("x.wav", "s", 1, RunManifest.Ok, [new ManifestOutput("audio/x.mp3", "h1", "x.wav", metadata), new ManifestOutput("images/x.png", "h2", "x.wav", metadata)], []),
                new ManifestEntry("y.wav", "s", 2, RunManifest.Failed, [], ["decode: y.wav: not audio"]),
            ]);

        ListeningReport report = ListeningReport.Read(directory.Path);

        report.Summary.Should().Be(new ReportSummary(2, 2, null, 1));
        report.Items[0].Outputs[0].Bpm.Should().Be(96.0);
        report.Items[0].Outputs[0].TempoConfidence.Should().Be(0.5);
        report.Items[0].Outputs[0].Metadata.Should().Contain(new KeyValuePair<string, string>("source_path", "x.wav"));
        report.Items[1].Errors.Should().Equal("decode: y.wav: not audio");
    }

    [Fact]
    public async Task RunWithReport_WritesReportWithThumbnailsAndPlayers_AndTheKeyDoesNotChangeTheRecipeHash()
    {
        using var directory = new TemporaryDirectory();
        string recipe = ReportRecipe.Write(directory.Path, report: false);

        CliResult first = await CliRunner.RunAsync("run", recipe, "--report");

        first.ExitCode.Should().Be(0, first.Output + first.Error);
        string root = Path.Combine(directory.Path, "out");
        string html = await File.ReadAllTextAsync(Path.Combine(root, "report.html"));
        html.Should().Contain("id=\"count-items\">1<").And.Contain("id=\"count-outputs\">4<").And.Contain("id=\"count-skipped\">0<").And.Contain("id=\"count-errors\">0<");
        Regex.Matches(html, "<audio controls").Should().HaveCount(2);
        Regex.Matches(html, "type=\"audio/mpeg\"").Should().HaveCount(2);
        Directory.GetFiles(Path.Combine(root, "report_files"), "*.png").Should().HaveCount(4);
        html.Should().Contain("<th>mel bins</th><td>512 (0-10000 Hz)</td>").And.Contain("<th>sample rate</th><td>44100 Hz</td>");
        html.Should().NotContain("http://").And.NotContain("https://");
        File.Delete(Path.Combine(root, "report.html"));
        CliResult command = await CliRunner.RunAsync("report", root, "--manifest", Path.Combine(root, "manifest.jsonl"));
        command.ExitCode.Should().Be(0, command.Error);
        (await File.ReadAllTextAsync(Path.Combine(root, "report.html"))).Should().Contain("id=\"count-outputs\">4<").And.Contain("id=\"count-skipped\">n/a<");

        // report: true in the recipe is the same plan: the second run skips everything and says so.
        ReportRecipe.Write(directory.Path, report: true);
        File.Delete(Path.Combine(root, "report.html"));
        CliResult second = await CliRunner.RunAsync("run", recipe);

        second.ExitCode.Should().Be(0, second.Output + second.Error);
        second.Output.Should().Contain("1 item skipped");
        (await File.ReadAllTextAsync(Path.Combine(root, "report.html"))).Should().Contain("id=\"count-skipped\">1<");
    }

    [Fact]
    public async Task ReportCommand_RefusesAMissingFolderAndAFolderWithoutManifest()
    {
        using var directory = new TemporaryDirectory();
        CliResult missing = await CliRunner.RunAsync("report", Path.Combine(directory.Path, "nope"));
        CliResult empty = await CliRunner.RunAsync("report", directory.Path);

        missing.ExitCode.Should().Be(2);
        empty.ExitCode.Should().Be(1);
        empty.Error.Should().Contain("no run manifest found");
    }

    [Fact]
    public async Task RunWithAFailedItem_ReportsItsErrorAndStillShowsTheOthers()
    {
        using var directory = new TemporaryDirectory();
        string bad = directory.File("not <audio>.wav");
        await File.WriteAllTextAsync(bad, "this is not a WAV file");

        CliResult run = await CliRunner.RunAsync("run", ReportRecipe.Write(directory.Path, report: true, bad));

        run.ExitCode.Should().Be(1, run.Output + run.Error);
        string html = await File.ReadAllTextAsync(Path.Combine(directory.Path, "out", "report.html"));
        html.Should().Contain("id=\"count-items\">2<").And.Contain("id=\"count-outputs\">4<").And.Contain("id=\"count-errors\">1<");
        html.Should().Contain("<section class=\"item failed\">").And.MatchRegex("<li>clips: [^<]*not &lt;audio&gt;\\.wav[^<]*</li>");
    }

    [Fact]
    public async Task ReportKey_MustBeTrueOrFalse()
    {
        using var directory = new TemporaryDirectory();
        string recipe = ReportRecipe.Write(directory.Path, report: false);
        await File.WriteAllTextAsync(recipe, (await File.ReadAllTextAsync(recipe)).Replace("report: false", "report: maybe", StringComparison.Ordinal));

        CliResult result = await CliRunner.RunAsync("validate", recipe);

        result.ExitCode.Should().Be(2);
        (result.Output + result.Error).Should().Contain("report.yaml:2:9: report must be true or false, not 'maybe'");
    }

    private static readonly ReportOutput s_oddOutput = new(OddName, "<script>alert(\"k\")</script>#0", [new("source_path", "<script>alert(\"k\")</script>")], 123.45, 0.87);

    private static ListeningReport OddReport() => new(
        "/tmp/out",
        "/tmp/out/manifest.jsonl",
        new ReportSummary(2, 1, 3, 1),
        [
            new ReportItem("<script>alert(\"k\")</script>", RunManifest.Ok, [s_oddOutput], []),
            new ReportItem("broken.wav", RunManifest.Failed, [], ["mp3: broken.wav: cannot decode <bad>"]),
        ]);

    [GeneratedRegex("(?:href|src)=\"([^\"]*)\"")]
    private static partial Regex LinkPattern();
}

/// <summary>A tiny real run: 4 s of one bundled sample -> two 2 s clips -> PNG images (odd names) and MP3s.</summary>
internal static class ReportRecipe
{
    public static string Write(string folder, bool report, string? alsoPath = null)
    {
        string sample = Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "groove_a_minor_96bpm.wav");
        string paths = alsoPath is null ? $"\"{sample}\"" : $"\"{sample}\", \"{alsoPath}\"";
        string path = Path.Combine(folder, "report.yaml");
        File.WriteAllText(path, $$"""
            seed: 1
            report: {{(report ? "true" : "false")}}
            inputs:
              - id: song
                use: files
                paths: [{{paths}}]
            steps:
              - id: clips
                use: decode-slices
                clip_ms: 2000
                duration: 4
                last: drop
              - id: mel
                use: mel
                preset: riffusion
              - id: image
                use: encode-image
              - id: png
                use: write-image
                folder: my images
                name: "{stem} <&'\"#é"
              - id: invert
                use: invert
                from: mel
                iterations: 2
              - id: mp3
                use: write-audio
                folder: audio
                format: mp3
                name: "{stem} #1 é"
            outputs:
              root: out
            """);
        return path;
    }
}
