using System.Diagnostics;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>Streaming readers give exactly what whole-file decoding gives, piece by piece, in bounded memory.</summary>
public sealed class AudioStreamReaderTests : IDisposable
{
    private static readonly int[] s_oddChunkSizes = [1, 7, 333, 4099, 2, 65537, 13];
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string> Formats => ["wav-pcm16", "wav-float32", "wav-pcm24-truncated", "mp3", "ogg", "flac"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_InSmallOddChunks_IsSampleIdenticalToDecode(string format)
    {
        string path = SampleFile(format);
        AudioClip decoded = AudioDecoder.Decode(path);

        using AudioStreamReader reader = AudioDecoder.Open(path);
        AudioClip streamed = ReadAllInChunks(reader);

        reader.SampleRate.Should().Be(decoded.SampleRate);
        reader.ChannelCount.Should().Be(decoded.ChannelCount);
        streamed.Frames.Should().Be(decoded.Frames);
        for (int c = 0; c < decoded.ChannelCount; c++)
        {
            streamed.Channels[c].Should().Equal(decoded.Channels[c], $"channel {c} of {format}");
        }

        reader.Read(streamed.Channels, 0, 1).Should().Be(0, "the end stays the end");
    }

    [Theory]
    [InlineData("wav-pcm16", true)]
    [InlineData("wav-float32", true)]
    [InlineData("mp3", true)]
    [InlineData("ogg", true)]
    [InlineData("flac", false)]
    public void TotalFrames_IsTheDecodedLengthWhenKnownBeforeReading(string format, bool known)
    {
        string path = SampleFile(format);
        int decodedFrames = AudioDecoder.Decode(path).Frames;

        using AudioStreamReader reader = AudioDecoder.Open(path);

        reader.TotalFrames.Should().Be(known ? decodedFrames : null);
    }

    [Fact]
    public void Open_ProblemsInTheHeader_AreTheSameOneLineErrorsAsDecode()
    {
        string missing = _directory.File("missing.wav");
        string text = _directory.File("notes.wav");
        File.WriteAllText(text, "not audio\n");

        ((Action)(() => AudioDecoder.Open(missing))).Should().ThrowExactly<InvalidAudioException>().WithMessage($"Cannot decode '{missing}': the file does not exist");
        ((Action)(() => AudioDecoder.Open(text))).Should().ThrowExactly<InvalidAudioException>().WithMessage($"Cannot decode '{text}': it is not audio: it looks like a text file");
    }

    [Fact]
    public void Read_FfmpegThatFailsAfterItsOutput_ThrowsItsFirstErrorLineNamingTheFile()
    {
        // An "ffmpeg" that writes all its audio, then reports damage and fails: the failure surfaces at the end of the
        // audio, after every frame was handed out.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string script = _directory.File("failing-ffmpeg.sh");
        File.WriteAllText(script, "#!/bin/sh\nffmpeg \"$@\"\necho 'Invalid data found when processing input' >&2\necho 'second line' >&2\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string flac = TestFiles.Fixture("audio/tone_1000_22k05_mono_1000ms.flac");
        using AudioStreamReader reader = AudioDecoder.Open(flac, new AudioDecodeOptions { FfmpegPath = script });
        float[][] buffer = [new float[22050]];

        int frames = reader.Read(buffer, 0, 22050);
        while (frames < 22050)
        {
            int read = reader.Read(buffer, frames, 22050 - frames);
            read.Should().BePositive();
            frames += read;
        }

        Action readPastTheEnd = () => reader.Read(buffer, 0, 1);

        readPastTheEnd.Should().ThrowExactly<InvalidAudioException>()
            .WithMessage($"Cannot decode '{flac}': ffmpeg could not decode it as FLAC: Invalid data found when processing input");
    }

    [Fact]
    public void Slice_OfLongWav_HasReadAboutOneClipWhenTheFirstClipIsYielded()
    {
        const long frames = 44100L * 60 * 12; // 12 minutes of 16-bit stereo: 127 MB
        using var file = new SyntheticWaveStream(frames);
        using AudioStreamReader reader = AudioDecoder.Open(file, "mix.wav");
        using IEnumerator<AudioClip> clips = ClipSlicer.Slice(reader, ClipSlicer.DefaultClipMs).GetEnumerator();

        clips.MoveNext().Should().BeTrue();

        AudioClip first = clips.Current;
        long clipBytes = first.Frames * 4L;
        file.BytesRead.Should().BeLessThan((2 * clipBytes) + 1024, "only the first clip (and the header) should have been read");
        first.Name.Should().Be("mix_00000");
        first.Channels[1][123_456].Should().Be(SyntheticWaveStream.SampleAt(123_456, 1) / 32768f);

        clips.MoveNext().Should().BeTrue();
        file.BytesRead.Should().BeLessThan((3 * clipBytes) + 1024);
        clips.Current.Channels[0][0].Should().Be(SyntheticWaveStream.SampleAt(first.Frames, 0) / 32768f);
    }

    [Fact]
    public void Slice_OfLongWav_ReachesTheEndWithTheSameCountAsClipSlicerCount()
    {
        const long frames = (44100L * 60 * 10) + 777; // 10 minutes and a bit
        using var file = new SyntheticWaveStream(frames);
        using AudioStreamReader reader = AudioDecoder.Open(file, "mix.wav");

        int count = 0;
        AudioClip? last = null;
        foreach (AudioClip clip in ClipSlicer.Slice(reader, ClipSlicer.DefaultClipMs, LastClipPolicy.Pad))
        {
            count++;
            last = clip;
        }

        count.Should().Be(ClipSlicer.Count(frames, 44100, ClipSlicer.DefaultClipMs, LastClipPolicy.Pad));
        file.BytesRead.Should().BeInRange(file.Length, file.Length + 1024, "each byte is read once (the sniffed head twice)");
        last!.Channels[0][^1].Should().Be(0, "the last clip is padded with silence");
    }

    [Fact]
    public void Dispose_MidStream_KillsAndReapsFfmpeg()
    {
        string flac = Ffmpeg.Make(_directory, "long.flac", "-f lavfi -i sine=frequency=440:sample_rate=22050:duration=180 -c:a flac");
        int pid;
        using (AudioStreamReader reader = AudioDecoder.Open(flac))
        {
            using IEnumerator<AudioClip> clips = ClipSlicer.Slice(reader, 1000).GetEnumerator();
            clips.MoveNext().Should().BeTrue();
            clips.Current.Frames.Should().Be(22050);

            // 180 s of float output cannot fit in a pipe, so ffmpeg must still be running: it is read as it decodes.
            pid = FfmpegProcessesReading(flac).Should().ContainSingle("ffmpeg is still decoding").Subject;
        }

        FfmpegProcessesReading(flac).Should().BeEmpty();
        Directory.Exists($"/proc/{pid}").Should().BeFalse("the killed ffmpeg must be reaped, not left as a zombie");
    }

    private string SampleFile(string format)
    {
        switch (format)
        {
            case "wav-pcm16":
                {
                    short[] samples = new short[2 * 10_007];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        samples[i] = (short)((i * 7919) % 65536);
                    }

                    return Write("pcm16.wav", WaveFileBuilder.Simple(1, 2, 44100, 16, WaveFileBuilder.Pcm16(samples)));
                }

            case "wav-float32":
                {
                    float[] samples = [.. SignalGenerator.Noise(3 * 5_003, seed: 5, amplitude: 1.2)];
                    return Write("float.wav", WaveFileBuilder.Simple(3, 3, 48000, 32, WaveFileBuilder.Float32(samples)));
                }

            case "wav-pcm24-truncated":
                {
                    int[] samples = new int[2 * 9_001];
                    for (int i = 0; i < samples.Length; i++)
                    {
                        samples[i] = ((i * 104_729) % 16_777_216) - 8_388_608;
                    }

                    byte[] full = WaveFileBuilder.Simple(1, 2, 44100, 24, WaveFileBuilder.Pcm24(samples));
                    return Write("pcm24-cut.wav", full[..(full.Length - 4)]);
                }

            case "mp3":
                return TestFiles.Fixture("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3");
            case "ogg":
                return TestFiles.Fixture("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg");
            case "flac":
                return TestFiles.Fixture("audio/tone_1000_22k05_mono_1000ms.flac");
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _directory.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static AudioClip ReadAllInChunks(AudioStreamReader reader)
    {
        var channels = new List<float>[reader.ChannelCount];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = [];
        }

        float[][] chunk = new float[reader.ChannelCount][];
        for (int c = 0; c < chunk.Length; c++)
        {
            chunk[c] = new float[s_oddChunkSizes.Max() + 3];
        }

        for (int call = 0; ; call++)
        {
            int wanted = s_oddChunkSizes[call % s_oddChunkSizes.Length];
            int read = reader.Read(chunk, 3, wanted);
            read.Should().BeInRange(0, wanted);
            if (read == 0)
            {
                break;
            }

            for (int c = 0; c < channels.Length; c++)
            {
                channels[c].AddRange(chunk[c].AsSpan(3, read));
            }
        }

        return new AudioClip(reader.SampleRate, [.. channels.Select(list => list.ToArray())], reader.Name);
    }

    private static List<int> FfmpegProcessesReading(string path)
    {
        var found = new List<int>();
        foreach (Process process in Process.GetProcessesByName("ffmpeg"))
        {
            using (process)
            {
                string commandLine;
                try
                {
                    commandLine = File.ReadAllText($"/proc/{process.Id}/cmdline");
                }
                catch (IOException)
                {
                    continue;
                }

                if (commandLine.Contains(path, StringComparison.Ordinal))
                {
                    found.Add(process.Id);
                }
            }
        }

        return found;
    }
}
