using System.Globalization;
using System.Text.RegularExpressions;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>
/// Real music encoded by ffmpeg, with garbage put in the middle: the decoders skip the damage and go on like ffmpeg
/// does, and say what was lost and where; a cut-off WAV says how much is missing.
/// </summary>
[Collection(HeldOutMusicGroup.Name)]
public sealed partial class DamagedStreamTests(HeldOutMusic music) : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("mp3", 30, false)]
    [InlineData("mp3", 60, false)]
    [InlineData("mp3", 30, true)]
    [InlineData("mp3", 60, true)]
    [InlineData("ogg", 30, false)]
    [InlineData("ogg", 60, false)]
    [InlineData("ogg", 30, true)]
    [InlineData("ogg", 60, true)]
    public void Decode_GarbageInTheMiddle_RecoversAtLeastNinetyPercentOfWhatFfmpegDoesAndWarnsWithTheTimeLost(string format, int kilobytes, bool overwrite)
    {
        string damaged = Damage(format == "mp3" ? music.Mp3 : music.Ogg, $"{kilobytes}k-{(overwrite ? "overwritten" : "inserted")}.{format}", kilobytes * 1024, overwrite);
        long ffmpegFrames = Ffmpeg.DecodedFrames(damaged, channels: 2);
        var warnings = new List<string>();

        AudioClip clip = AudioDecoder.Decode(damaged, new AudioDecodeOptions { Warning = warnings.Add });

        clip.Frames.Should().BeGreaterThanOrEqualTo((int)(0.9 * ffmpegFrames), $"ffmpeg recovers {ffmpegFrames / 44100.0:0.00} s");
        string skipped = warnings.Should().ContainSingle(w => w.StartsWith("damaged ", StringComparison.Ordinal)).Subject;
        double at = FirstSeconds(skipped);
        at.Should().BeInRange(18, 22.5, $"the garbage is in the middle of about 40.6 s ({skipped})");
        skipped.Should().MatchRegex(@"lost \(from \d+\.\d\d s to \d+\.\d\d s");
        if (overwrite)
        {
            warnings.Should().Contain(w => w.Contains("of audio decoded but the file states 40.61 s", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Open_DamagedOgg_ReaderListsTheWarningsItRaised()
    {
        string damaged = Damage(music.Ogg, "listed.ogg", 40_000, overwrite: true);
        var raised = new List<string>();
        using AudioStreamReader reader = AudioDecoder.Open(damaged, new AudioDecodeOptions { Warning = raised.Add });

        float[][] buffer = [new float[4096], new float[4096]];
        while (reader.Read(buffer, 0, 4096) > 0)
        {
        }

        reader.Warnings.Should().Equal(raised).And.HaveCount(2);
        reader.FramesRead.Should().BeLessThan(reader.StatedFrames!.Value - (44100 / 2));
    }

    [Theory]
    [InlineData("ogg", "the file ends with * bytes that are not a complete Ogg page (offsets *), after 2?.?? s of audio: cut short or damaged")]
    [InlineData("mp3", "the file ends in the middle of an MP3 frame (* of its * bytes, after 2?.?? s of audio): cut short?")]
    public void Decode_CutShortMidPage_WarnsThatTheFileEndsInTheMiddleOfIt(string format, string expected)
    {
        byte[] data = File.ReadAllBytes(format == "mp3" ? music.Mp3 : music.Ogg);
        string path = _directory.File("cut." + format);

        // Cut 1000 bytes into a page or frame past the middle: the first 1000 bytes of one are there, its end is not.
        int middle = IndexOf(data, format == "mp3" ? [0xFF, 0xFB] : "OggS"u8.ToArray(), data.Length / 2);
        File.WriteAllBytes(path, data[..(middle + 1000)]);
        var warnings = new List<string>();

        AudioDecoder.Decode(path, new AudioDecodeOptions { Warning = warnings.Add });

        warnings.Should().ContainMatch(expected);
    }

    [Fact]
    public void Decode_UndamagedMusic_RaisesNoWarnings()
    {
        foreach (string path in new[] { music.Mp3, music.Ogg, music.Wav })
        {
            var warnings = new List<string>();
            AudioDecoder.Decode(path, new AudioDecodeOptions { Warning = warnings.Add });
            warnings.Should().BeEmpty(path);
        }
    }

    [Fact]
    public void Decode_TruncatedWav_WarnsWithTheMissingLength()
    {
        var clip = new AudioClip(8000, [SignalGenerator.Sine(440, 8000, 16000, 0.5)]);
        byte[] wav = AudioEncoder.EncodeWav(clip);
        string path = _directory.File("cut.wav");
        File.WriteAllBytes(path, wav[..(44 + (2 * 6000))]);
        var warnings = new List<string>();

        AudioClip decoded = AudioDecoder.Decode(path, new AudioDecodeOptions { Warning = warnings.Add });

        decoded.Frames.Should().Be(6000);
        warnings.Should().Equal(
            "the file is cut short: its data chunk states 2.00 s of audio but only 0.75 s are present; 1.25 s missing (from 0.75 s to 2.00 s)");
    }

    private string Damage(string source, string name, int garbageBytes, bool overwrite)
    {
        byte[] data = File.ReadAllBytes(source);
        byte[] garbage = new byte[garbageBytes];
        new Random(garbageBytes).NextBytes(garbage);
        int middle = data.Length / 2;
        byte[] damaged = overwrite
            ? [.. data[..middle], .. garbage, .. data[(middle + garbageBytes)..]]
            : [.. data[..middle], .. garbage, .. data[middle..]];
        string path = _directory.File(name);
        File.WriteAllBytes(path, damaged);
        return path;
    }

    private static int IndexOf(byte[] data, byte[] pattern, int from)
    {
        int index = data.AsSpan(from).IndexOf(pattern);
        index.Should().BeGreaterThanOrEqualTo(0);
        return from + index;
    }

    private static double FirstSeconds(string text) =>
        double.Parse(SecondsPattern().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(\d+\.\d\d) s")]
    private static partial Regex SecondsPattern();
}
