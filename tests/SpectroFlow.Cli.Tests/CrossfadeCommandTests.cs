using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// <c>crossfade</c> and <c>loop</c> on generated grooves with the real beat tracker: the incoming song is matched to the
/// outgoing tempo, a beatless side falls back with one line, files of other rates and layouts are conformed.
/// </summary>
public sealed class CrossfadeCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Crossfade_120Into123Bpm_BeatAligned_TheIncomingSongPlaysAtTheOutgoingTempo()
    {
        string a = Write("a.wav", RhythmGenerator.Groove(GrooveStyle.FourOnFloor, 120, seed: 1, seconds: 20).Clip);
        string b = Write("b.wav", RhythmGenerator.Groove(GrooveStyle.RockBackbeat, 123, seed: 2, seconds: 20).Clip);
        string output = _directory.File("mix.wav");

        CliResult result = await CliRunner.RunAsync("crossfade", a, b, output, "--beats", "8");

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Should().NotContain("plain equal-power", "both grooves have a beat and differ by 2.5 %");
        AudioClip mix = AudioDecoder.Decode(output);
        mix.DurationSeconds.Should().BeInRange(20, 40);

        // After the overlap only B plays, stretched from 123 to A's 120 bpm.
        AudioClip tail = Slice(mix, mix.DurationSeconds - 10, mix.DurationSeconds);
        TempoEstimate tempo = new BeatTracker().Analyze(tail);
        tempo.Bpm.Should().NotBeNull();
        tempo.Bpm!.Value.Should().BeApproximately(120, 1.2);
        mix.Channels.SelectMany(channel => channel).Max(Math.Abs).Should().BeLessThan(1f);
    }

    [Fact]
    public async Task Crossfade_BeatlessIncomingSongAtAnotherRateInMono_FallsBackWithOneLine_ConformedToTheOutgoingFormat()
    {
        AudioClip groove = RhythmGenerator.Groove(GrooveStyle.FourOnFloor, 120, seed: 3, seconds: 12).Clip;
        var stereo = new AudioClip(groove.SampleRate, [groove.Channels[0], groove.Channels[0]]);
        AudioClip pad = RhythmGenerator.Beatless(2, seed: 4, seconds: 10, sampleRate: 22050).Clip;
        var mono = new AudioClip(pad.SampleRate, [pad.Channels[0]]);
        string a = Write("a.wav", stereo);
        string b = Write("pad.wav", mono);
        string output = _directory.File("mix.wav");

        CliResult result = await CliRunner.RunAsync("crossfade", a, b, output, "--seconds", "3");

        result.ExitCode.Should().Be(0, result.Error);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("no beat found in the incoming song: a plain equal-power crossfade of 3.00 s instead");
        AudioClip mix = AudioDecoder.Decode(output);
        mix.SampleRate.Should().Be(stereo.SampleRate);
        mix.ChannelCount.Should().Be(2);
        mix.Frames.Should().Be(stereo.Frames + (10 * stereo.SampleRate) - (3 * stereo.SampleRate));
    }

    [Fact]
    public async Task Crossfade_MissingFile_IsOneLineNamingIt_AndBadOptionsAreUsageErrors()
    {
        string a = Write("a.wav", RhythmGenerator.Groove(GrooveStyle.FourOnFloor, 120, seed: 1, seconds: 4).Clip);

        CliResult missing = await CliRunner.RunAsync("crossfade", a, _directory.File("nope.wav"), _directory.File("mix.wav"));
        CliResult stretch = await CliRunner.RunAsync("crossfade", a, a, _directory.File("mix.wav"), "--stretch-max", "0.5");
        CliResult format = await CliRunner.RunAsync("crossfade", a, a, _directory.File("mix.txt"));

        missing.ExitCode.Should().Be(1);
        missing.ErrorLines.Should().ContainSingle().Which.Should().Contain("nope.wav: file not found");
        stretch.ExitCode.Should().Be(2);
        stretch.Error.Should().Contain("--stretch-max: '0.5' is not a number from 0 to 0.25");
        format.ExitCode.Should().Be(2);
        File.Exists(_directory.File("mix.wav")).Should().BeFalse();
    }

    [Fact]
    public async Task Crossfade_CorruptFile_IsOneLineNamingIt_AndWritesNothing()
    {
        string a = Write("a.wav", RhythmGenerator.Groove(GrooveStyle.FourOnFloor, 120, seed: 1, seconds: 4).Clip);
        string corrupt = _directory.File("corrupt.mp3");
        await File.WriteAllBytesAsync(corrupt, [.. Enumerable.Range(0, 3000).Select(i => (byte)((i * 97) + 13))]);

        CliResult result = await CliRunner.RunAsync("crossfade", corrupt, a, _directory.File("mix.wav"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("corrupt.mp3").And.Contain("not a recognised audio format");
        File.Exists(_directory.File("mix.wav")).Should().BeFalse();
    }

    [Fact]
    public async Task Loop_Groove_RepeatsWholeBars_WithTheExactLength()
    {
        string input = Write("groove.wav", RhythmGenerator.Groove(GrooveStyle.RockBackbeat, 120, seed: 5, seconds: 12).Clip);
        string output = _directory.File("loop.wav");

        CliResult result = await CliRunner.RunAsync("loop", input, output, "--repeats", "3");

        result.ExitCode.Should().Be(0, result.Error);
        AudioClip loop = AudioDecoder.Decode(output);
        TempoEstimate tempo = new BeatTracker().Analyze(AudioDecoder.Decode(input));
        long bar = (long)Math.Round(4 * 4 * 60 / tempo.Bpm!.Value * loop.SampleRate);
        ((long)loop.Frames).Should().Be(3 * bar, "4 bars (8 s at 120 bpm) is the longest that fits in 12 s, three times");
    }

    private string Write(string name, AudioClip clip)
    {
        string path = _directory.File(name);
        AudioEncoder.WriteWav(path, clip);
        return path;
    }

    private static AudioClip Slice(AudioClip clip, double from, double to)
    {
        int start = (int)(from * clip.SampleRate);
        int length = (int)(to * clip.SampleRate) - start;
        return new AudioClip(clip.SampleRate, [.. clip.Channels.Select(channel => channel.AsSpan(start, Math.Min(length, channel.Length - start)).ToArray())]);
    }
}
