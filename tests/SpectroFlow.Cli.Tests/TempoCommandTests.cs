using System.Text.Json;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Cli.Tests;

public sealed class TempoCommandTests
{
    private static readonly string s_groove = Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "groove_a_minor_96bpm.wav");

    [Fact]
    public async Task Tempo_Json_PrintsOneObjectWithBpmConfidenceBeatsDownbeats()
    {
        CliResult result = await CliRunner.RunAsync("tempo", s_groove, "--json");

        result.ExitCode.Should().Be(0, result.Error);
        using JsonDocument json = JsonDocument.Parse(result.Output);
        JsonElement root = json.RootElement;
        root.GetProperty("bpm").GetDouble().Should().BeApproximately(96, 1.92);
        root.GetProperty("confidence").GetDouble().Should().BeInRange(0.3, 1);
        double[] beats = [.. root.GetProperty("beats").EnumerateArray().Select(beat => beat.GetDouble())];
        beats.Should().BeInAscendingOrder().And.HaveCountGreaterThan(8);
        (beats[^1] - beats[^2]).Should().BeApproximately(60.0 / 96, 0.03);
        root.GetProperty("downbeats").EnumerateArray().Select(beat => beat.GetDouble()).Should().OnlyContain(downbeat => beats.Contains(downbeat));
    }

    [Fact]
    public async Task Tempo_Text_PrintsBpmConfidenceAndBeatCount()
    {
        CliResult result = await CliRunner.RunAsync("tempo", s_groove);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().MatchRegex(@"^9[4-8]\.\d bpm \(confidence [01]\.\d\d\), \d+ beats\s*$");
    }

    [Fact]
    public async Task Tempo_Silence_SaysNoBeatFoundAndJsonNull()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "silence.wav");
        await File.WriteAllBytesAsync(path, WaveFileBuilder.Simple(1, 1, 22050, 16, new byte[22050 * 2 * 4]));

        CliResult text = await CliRunner.RunAsync("tempo", path);
        CliResult json = await CliRunner.RunAsync("tempo", path, "--json");

        text.ExitCode.Should().Be(0, text.Error);
        text.Output.Trim().Should().Be($"{path}: no beat found");
        json.Output.Trim().Should().Be("""{"bpm":null,"confidence":0,"beats":[],"downbeats":[]}""");
    }

    [Fact]
    public async Task Tempo_MissingFile_FailsWithOneLine()
    {
        CliResult result = await CliRunner.RunAsync("tempo", "/nonexistent/song.wav");

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("song.wav");
    }
}
