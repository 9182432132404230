using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>
/// MP3s with a LAME/Info tag decode to exactly the samples that were encoded, in place: the encoder delay plus the
/// decoder's 529 samples are dropped at the start and the padding at the end (as ffmpeg and LAME do).
/// </summary>
[Collection(HeldOutMusicGroup.Name)]
public sealed class Mp3GaplessTests(HeldOutMusic music) : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Decode_Mp3EncodedByFfmpegsLame_HasTheSourceLengthExactlyAndNoLag()
    {
        AudioClip source = AudioDecoder.Decode(music.Wav);

        AudioClip decoded = AudioDecoder.Decode(music.Mp3);

        decoded.Frames.Should().Be(source.Frames);
        PeakLag(source.Channels[0], decoded.Channels[0], 5 * 44100).Should().Be(0);
        decoded.Frames.Should().Be((int)Ffmpeg.DecodedFrames(music.Mp3, channels: 2), "ffmpeg trims the same");
    }

    [Theory]
    [InlineData(44100, 2, 192)]
    [InlineData(44100, 1, 128)]
    [InlineData(48000, 2, 256)]
    [InlineData(22050, 1, 64)]
    public void Decode_OurOwnMp3OfTenSeconds_HasExactlyTheEncodedSamplesInPlace(int sampleRate, int channels, int bitrate)
    {
        AudioClip music10 = TenSecondsOfMusic(sampleRate, channels);
        string path = _directory.File($"ten-{sampleRate}-{channels}.mp3");
        File.WriteAllBytes(path, AudioEncoder.EncodeMp3(music10, bitrate));

        using AudioStreamReader reader = AudioDecoder.Open(path);
        reader.TotalFrames.Should().Be(10 * sampleRate, "the Info frame's count less delay and padding");
        AudioClip decoded = AudioDecoder.Decode(path);

        decoded.Frames.Should().Be(10 * sampleRate);
        decoded.ChannelCount.Should().Be(channels);
        PeakLag(music10.Channels[0], decoded.Channels[0], 2 * sampleRate).Should().Be(0);
    }

    private AudioClip TenSecondsOfMusic(int sampleRate, int channels)
    {
        string wav = Ffmpeg.Make(_directory, $"music-{sampleRate}-{channels}.wav", $"-i {music.Wav} -t 10 -ar {sampleRate} -ac {channels} -c:a pcm_f32le");
        AudioClip clip = AudioDecoder.Decode(wav);
        clip.Frames.Should().Be(10 * sampleRate);
        return clip;
    }

    /// <summary>The lag (samples of <paramref name="decoded"/> after <paramref name="source"/>) of the cross-correlation peak.</summary>
    private static int PeakLag(float[] source, float[] decoded, int start)
    {
        const int Window = 16384;
        const int MaxLag = 2000;
        int bestLag = int.MinValue;
        double best = double.NegativeInfinity;
        for (int lag = -MaxLag; lag <= MaxLag; lag++)
        {
            double sum = 0;
            for (int i = 0; i < Window; i++)
            {
                sum += source[start + i] * (double)decoded[start + i + lag];
            }

            if (sum > best)
            {
                best = sum;
                bestLag = lag;
            }
        }

        return bestLag;
    }
}
