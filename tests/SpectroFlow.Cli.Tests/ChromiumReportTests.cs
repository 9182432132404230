using System.Text.Json;
using SpectroFlow.Cli.Tests.Browser;
using SpectroFlow.TestKit;
using Xunit.Abstractions;

namespace SpectroFlow.Cli.Tests;

/// <summary>Opens a real run's report.html in headless Chromium (Debian package chromium) from a local file.</summary>
public sealed class ChromiumReportTests(ITestOutputHelper output)
{
    private const string Checks = """
        (async () => {
          const images = [...document.images].map(i => ({ src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0 }));
          const audios = [];
          for (const audio of document.querySelectorAll('audio')) {
            const source = audio.querySelector('source');
            const type = source ? source.type : '';
            const settled = new Promise(resolve => {
              const timer = setTimeout(resolve, 5000);
              const done = () => { clearTimeout(timer); resolve(); };
              audio.addEventListener('loadedmetadata', done, { once: true });
              audio.addEventListener('error', done, { once: true });
              if (source) source.addEventListener('error', done, { once: true });
            });
            audio.load();
            await settled;
            audios.push({ src: source ? source.getAttribute('src') : null, type, canPlay: type ? audio.canPlayType(type) : '',
              networkState: audio.networkState, error: audio.error ? audio.error.code : 0, duration: audio.duration || 0 });
          }
          return JSON.stringify({ images, audios });
        })()
        """;

    [Fact]
    public async Task Report_LoadsEveryImageAndAudioSourceInChromium()
    {
        if (Environment.GetEnvironmentVariable("SPECTROFLOW_WITH_CHROMIUM") == "0")
        {
            output.WriteLine("SPECTROFLOW_WITH_CHROMIUM=0: the Chromium report test is skipped");
            return;
        }

        string binary = ChromiumSession.FindBinary()
            ?? throw new InvalidOperationException(
                "Chromium is not installed: install the Debian package chromium (scripts/install-deps.sh does), point SPECTROFLOW_CHROMIUM at a binary, or set SPECTROFLOW_WITH_CHROMIUM=0 to skip this test");
        using var directory = new TemporaryDirectory();
        CliResult run = await CliRunner.RunAsync("run", ReportRecipe.Write(directory.Path, report: true));
        run.ExitCode.Should().Be(0, run.Output + run.Error);
        string report = Path.Combine(directory.Path, "out", "report.html");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using ChromiumSession chromium = await ChromiumSession.StartAsync(binary, timeout.Token);
        await chromium.NavigateAsync(new Uri(report).AbsoluteUri, timeout.Token);
        using JsonDocument result = JsonDocument.Parse(await chromium.EvaluateAsync(Checks, timeout.Token));
        byte[] screenshot = await chromium.ScreenshotAsync(timeout.Token);

        string results = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(results);
        await File.WriteAllBytesAsync(Path.Combine(results, "report.png"), screenshot, timeout.Token);
        output.WriteLine($"screenshot: {Path.Combine(results, "report.png")}; {result.RootElement}");

        JsonElement[] images = [.. result.RootElement.GetProperty("images").EnumerateArray()];
        JsonElement[] audios = [.. result.RootElement.GetProperty("audios").EnumerateArray()];
        images.Should().HaveCount(4);
        audios.Should().HaveCount(2);
        images.Should().OnlyContain(i => i.GetProperty("loaded").GetBoolean(), result.RootElement.ToString());
        audios.Should().OnlyContain(
            a => a.GetProperty("canPlay").GetString()!.Length > 0 && a.GetProperty("networkState").GetInt32() != 3 && a.GetProperty("error").GetInt32() == 0,
            result.RootElement.ToString());
        audios.Should().OnlyContain(a => a.GetProperty("duration").GetDouble() > 1.5, "each MP3 is a 2 s clip");
        screenshot.AsSpan(1, 3).ToArray().Should().Equal("PNG"u8.ToArray());
    }
}
