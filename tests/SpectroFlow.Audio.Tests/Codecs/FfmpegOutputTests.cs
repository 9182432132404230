using SpectroFlow.Audio.Blocks;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>FLAC and Ogg Vorbis output, encoded by ffmpeg, decoded back with our decoders.</summary>
[Collection(HeldOutMusicGroup.Name)]
public sealed class FfmpegOutputTests(HeldOutMusic music) : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void WriteFlac_ThenDecode_IsExactlySixteenBitQuantisation()
    {
        AudioClip clip = MusicWithOvershoot();
        string path = _directory.File("out.flac");

        AudioEncoder.Write(path, clip);
        AudioClip decoded = AudioDecoder.Decode(path);
        AudioClip quantised = AudioDecoder.Decode(new MemoryStream(AudioEncoder.EncodeWav(clip, WavSampleFormat.Pcm16)), "q.wav");

        _directory.FileNames().Should().Equal("out.flac");
        File.ReadAllBytes(path).AsSpan(0, 4).SequenceEqual("fLaC"u8).Should().BeTrue();
        decoded.SampleRate.Should().Be(clip.SampleRate);
        decoded.Frames.Should().Be(clip.Frames);
        decoded.Channels[0].Should().Equal(quantised.Channels[0]);
        decoded.Channels[1].Should().Equal(quantised.Channels[1]);
    }

    [Fact]
    public void WriteOgg_ThenDecode_HasTheDurationAndFollowsTheMusic()
    {
        AudioClip clip = MusicWithOvershoot();
        string path = _directory.File("out.ogg");

        AudioEncoder.Write(path, clip);
        AudioClip decoded = AudioDecoder.Decode(path);

        decoded.SampleRate.Should().Be(clip.SampleRate);
        decoded.ChannelCount.Should().Be(2);
        decoded.Frames.Should().Be(clip.Frames);
        for (int c = 0; c < 2; c++)
        {
            Correlation(clip.Channels[c], decoded.Channels[c]).Should().BeGreaterThan(0.99, $"channel {c}");
        }
    }

    [Fact]
    public void EncodeFlacAndOgg_Twice_GiveTheSameBytes()
    {
        AudioClip clip = SignalGenerator.SineClip(44100, 1.0, 0.5, 440, 880);

        AudioEncoder.EncodeFlac(clip).Should().Equal(AudioEncoder.EncodeFlac(clip));
        AudioEncoder.EncodeOggVorbis(clip).Should().Equal(AudioEncoder.EncodeOggVorbis(clip), "a run's outputs and their SHA-256 must be reproducible");
    }

    [Theory]
    [InlineData("out.flac", "FLAC")]
    [InlineData("out.ogg", "Ogg Vorbis")]
    public void WriteWithoutFfmpeg_IsOneLineAndWritesNothing(string name, string format)
    {
        string path = _directory.File(name);
        var options = new AudioWriteOptions { FfmpegPath = "/nonexistent/ffmpeg" };
        string expected = $"Cannot write '{path}': {format} output needs ffmpeg (apt-get install ffmpeg); write .wav or .mp3 instead";

        ((Action)(() => AudioEncoder.EnsureWritable(path, options))).Should().ThrowExactly<SpectroFlowException>().WithMessage(expected);
        ((Action)(() => AudioEncoder.Write(path, SignalGenerator.SineClip(8000, 0.1, 0.5, 440), options))).Should().ThrowExactly<SpectroFlowException>().WithMessage(expected);
        _directory.FileNames().Should().BeEmpty();
    }

    [Theory]
    [InlineData(AudioFileFormat.Flac, ".flac")]
    [InlineData(AudioFileFormat.Ogg, ".ogg")]
    public async Task WriteAudioBlock_FlacOrOgg_PublishesADecodableFile(AudioFileFormat format, string extension)
    {
        AudioClip clip = SignalGenerator.SineClip(44100, 1.0, 0.5, 440, 880);
        var block = new WriteAudioBlock(new WriteAudioOptions { Format = format, Name = "{stem}" });

        WrittenFile file = await block.ProcessAsync(clip, BlockTestContextFor(clip), CancellationToken.None);

        file.RelativePath.Should().Be("a" + extension);
        AudioDecoder.Decode(file.FullPath).Frames.Should().Be(44100);
    }

    [Fact]
    public void WriteAudioOptions_FloatWithFlac_IsRefused()
    {
        var errors = new ValidationErrors();

        new WriteAudioOptions { Format = AudioFileFormat.Flac, Float = true }.Validate(errors);

        errors.Errors.Should().ContainSingle().Which.Key.Should().Be("float");
    }

    private BlockContext BlockTestContextFor(AudioClip clip) => Blocks.BlockTestContext.For(clip, "songs/a.wav", _directory.Path);

    /// <summary>Five seconds of the held-out music, louder than full scale in places (saturation is part of 16-bit quantisation).</summary>
    private AudioClip MusicWithOvershoot()
    {
        AudioClip music5 = AudioDecoder.Decode(Ffmpeg.Make(_directory, "five.wav", $"-i {music.Wav} -ss 12 -t 5 -c:a pcm_f32le"));
        File.Delete(_directory.File("five.wav"));
        float[][] channels = [.. music5.Channels.Select(channel => channel.Select(sample => sample * 1.7f).ToArray())];
        return new AudioClip(music5.SampleRate, channels, "music");
    }

    private static double Correlation(float[] a, float[] b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * (double)b[i];
            aa += a[i] * (double)a[i];
            bb += b[i] * (double)b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
