using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>WAV encodings the reader lacks (A-law, mu-law, ADPCM) are decoded through ffmpeg when it is installed.</summary>
public sealed class WavCodecFallbackTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("pcm_alaw", 0, 0.02)]
    [InlineData("pcm_mulaw", 0, 0.02)]
    [InlineData("adpcm_ms", 2048, 0.06)]
    [InlineData("adpcm_ima_wav", 2048, 0.06)]
    public void Decode_WavCodecTheReaderLacks_IsDecodedThroughFfmpeg(string codec, int blockSlack, double maxError)
    {
        string source = Ffmpeg.Make(_directory, "source.wav", "-f lavfi -i sine=frequency=440:sample_rate=22050:duration=2 -af volume=0.5 -ac 1 -c:a pcm_s16le");
        string encoded = Ffmpeg.Make(_directory, codec + ".wav", $"-i {source} -c:a {codec}");
        AudioClip original = AudioDecoder.Decode(source);

        AudioClip decoded = AudioDecoder.Decode(encoded);

        decoded.SampleRate.Should().Be(22050);
        decoded.ChannelCount.Should().Be(1);
        decoded.Frames.Should().BeInRange(original.Frames, original.Frames + blockSlack);
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[0], 22050).Should().BeApproximately(440, 1);
        for (int i = 0; i < original.Frames; i++)
        {
            Math.Abs(decoded.Channels[0][i] - original.Channels[0][i]).Should().BeLessThan((float)maxError, $"sample {i} of {codec}");
        }
    }

    [Theory]
    [InlineData(0x11, 4, "IMA ADPCM*0x0011")]
    [InlineData(7, 8, "mu-law*0x0007")]
    [InlineData(0x1234, 16, "format tag 0x1234")]
    public void Decode_WavCodecWithoutFfmpeg_KeepsTheOneLineError(int formatTag, int bits, string expected)
    {
        string path = _directory.File("codec.wav");
        File.WriteAllBytes(path, WaveFileBuilder.Simple((ushort)formatTag, 1, 8000, (ushort)bits, new byte[256]));

        Action decode = () => AudioDecoder.Decode(path, new AudioDecodeOptions { FfmpegPath = "/nonexistent/ffmpeg" });

        decode.Should().ThrowExactly<InvalidAudioException>().WithMessage($"Cannot decode '{path}': unsupported WAV encoding *{expected}*; only PCM and IEEE float WAV can be decoded*");
    }

    [Fact]
    public void Decode_WavCodecFfmpegCannotDecodeEither_NamesTheFormatTag()
    {
        string path = _directory.File("tag-1234.wav");
        File.WriteAllBytes(path, WaveFileBuilder.Simple(0x1234, 1, 8000, 16, new byte[256]));

        Action decode = () => AudioDecoder.Decode(path);

        decode.Should().ThrowExactly<InvalidAudioException>().WithMessage($"Cannot decode '{path}': ffmpeg could not decode it as WAV (format tag 0x1234): *");
    }
}
