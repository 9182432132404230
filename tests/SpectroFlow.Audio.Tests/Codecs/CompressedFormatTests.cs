using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>Decoding the real MP3/Ogg/FLAC fixtures in tests/fixtures/audio (see the README there).</summary>
public sealed class CompressedFormatTests
{
    private static readonly string s_mp3 = TestFiles.Fixture("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3");
    private static readonly string s_ogg = TestFiles.Fixture("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg");
    private static readonly string s_flac = TestFiles.Fixture("audio/tone_1000_22k05_mono_1000ms.flac");

    [Fact]
    public void Decode_Mp3Fixture_HasRateChannelsDurationAndTones()
    {
        AudioClip clip = AudioDecoder.Decode(s_mp3);

        clip.SampleRate.Should().Be(44100);
        clip.ChannelCount.Should().Be(2);

        // 1.5 s plus at most the encoder delay and padding of a few 1152-sample frames.
        clip.DurationSeconds.Should().BeInRange(1.5, 1.5 + (4 * 1152 / 44100.0));
        SpectrumAnalyzer.DominantFrequency(clip.Channels[0], clip.SampleRate).Should().BeApproximately(1000, 2);
        SpectrumAnalyzer.DominantFrequency(clip.Channels[1], clip.SampleRate).Should().BeApproximately(2500, 2);
        SpectrumAnalyzer.Rms(clip.Channels[0].AsSpan(22050, 22050)).Should().BeApproximately(0.0625 / Math.Sqrt(2), 0.005);
    }

    [Fact]
    public void Decode_OggVorbisFixture_HasRateChannelsDurationAndTones()
    {
        AudioClip clip = AudioDecoder.Decode(s_ogg);

        clip.SampleRate.Should().Be(48000);
        clip.ChannelCount.Should().Be(2);
        clip.Frames.Should().BeInRange(48000 - 64, 48000 + 64);
        SpectrumAnalyzer.DominantFrequency(clip.Channels[0], clip.SampleRate).Should().BeApproximately(1000, 2);
        SpectrumAnalyzer.DominantFrequency(clip.Channels[1], clip.SampleRate).Should().BeApproximately(2500, 2);
    }

    [Fact]
    public void Decode_FlacFixtureThroughFfmpeg_IsSampleExactLength()
    {
        AudioClip clip = AudioDecoder.Decode(s_flac);

        clip.SampleRate.Should().Be(22050);
        clip.ChannelCount.Should().Be(1);
        clip.Frames.Should().Be(22050);
        SpectrumAnalyzer.DominantFrequency(clip.Channels[0], clip.SampleRate).Should().BeApproximately(1000, 1);
    }

    [Fact]
    public void Decode_FlacFromNonSeekableStream_PipesThroughFfmpeg()
    {
        using var stream = new NonSeekableStream(File.ReadAllBytes(s_flac));

        AudioClip clip = AudioDecoder.Decode(stream, "piped.flac");

        clip.Frames.Should().Be(22050);
        clip.Name.Should().Be("piped.flac");
    }

    [Fact]
    public void Decode_FlacWithoutFfmpeg_SaysHowToInstallIt()
    {
        var options = new AudioDecodeOptions { FfmpegPath = "/nonexistent/ffmpeg" };

        Action decode = () => AudioDecoder.Decode(s_flac, options);

        decode.Should().Throw<InvalidAudioException>()
            .WithMessage("*tone_1000_22k05_mono_1000ms.flac*FLAC needs ffmpeg (apt-get install ffmpeg) or convert it to WAV*");
    }

    [Fact]
    public void Decode_FlacLargerThanCap_RefusesAndLeavesNoProcessBehind()
    {
        Action decode = () => AudioDecoder.Decode(s_flac, new AudioDecodeOptions { MaxSamples = 10_000 });

        decode.Should().Throw<InvalidAudioException>().WithMessage("*limit of 10,000 samples*");
    }

    [Fact]
    public void Decode_Mp3FromNonSeekableStream_MatchesFileDecode()
    {
        AudioClip fromFile = AudioDecoder.Decode(s_mp3);
        using var stream = new NonSeekableStream(File.ReadAllBytes(s_mp3));

        AudioClip fromStream = AudioDecoder.Decode(stream, "x.mp3");

        fromStream.Frames.Should().Be(fromFile.Frames);
        fromStream.Channels[1][5000].Should().Be(fromFile.Channels[1][5000]);
    }

    [Fact]
    public void Decode_TruncatedMp3_DecodesTheFramesPresent()
    {
        byte[] bytes = File.ReadAllBytes(s_mp3);

        AudioClip clip = AudioDecoder.Decode(new MemoryStream(bytes[..(bytes.Length / 2)]), "half.mp3");

        clip.DurationSeconds.Should().BeInRange(0.6, 0.9);
    }

    [Fact]
    public void Decode_Mp3MaxSamplesCap_Refuses()
    {
        Action decode = () => AudioDecoder.Decode(s_mp3, new AudioDecodeOptions { MaxSamples = 50_000 });

        decode.Should().Throw<InvalidAudioException>().WithMessage("*tone_1000l_2500r_44k1_stereo_1500ms.mp3*limit of 50,000 samples*");
    }
}
