using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Clips;

/// <summary>Slicing while reading gives exactly the clips of slicing the fully decoded audio.</summary>
public sealed class StreamingClipSlicerTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(10_000, 8000, 1, 100, LastClipPolicy.Pad)] // 800-frame clips (shorter than the head read), 12.5 clips
    [InlineData(10_000, 8000, 1, 100, LastClipPolicy.Drop)]
    [InlineData(250_400, 44100, 2, ClipSlicer.DefaultClipMs, LastClipPolicy.Pad)] // Riffusion clip length, uneven boundaries
    [InlineData(250_400, 44100, 2, ClipSlicer.DefaultClipMs, LastClipPolicy.Drop)]
    [InlineData(88_200, 44100, 2, 1000, LastClipPolicy.Pad)] // an exact multiple: no partial clip
    [InlineData(88_200, 44100, 2, 1000, LastClipPolicy.Drop)]
    [InlineData(50, 44100, 1, 1000, LastClipPolicy.Pad)] // shorter than one clip
    [InlineData(50, 44100, 1, 1000, LastClipPolicy.Drop)]
    [InlineData(99_999, 22050, 3, 333, LastClipPolicy.Pad)] // 7342.65 frames per clip: boundaries alternate
    [InlineData(99_999, 22050, 3, 333, LastClipPolicy.Drop)]
    public void Slice_FromReader_EqualsSliceOfDecodedClip(int frames, int sampleRate, int channels, int clipMs, LastClipPolicy last)
    {
        string path = WriteWav("song.wav", frames, sampleRate, channels);

        AssertSameClips(path, clipMs, last);
    }

    [Theory]
    [InlineData("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3", 160, LastClipPolicy.Pad)]
    [InlineData("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg", 130, LastClipPolicy.Drop)]
    [InlineData("audio/tone_1000_22k05_mono_1000ms.flac", 70, LastClipPolicy.Pad)]
    [InlineData("audio/tone_1000_22k05_mono_1000ms.flac", 70, LastClipPolicy.Drop)]
    public void Slice_FromCompressedReader_EqualsSliceOfDecodedClip(string fixture, int clipMs, LastClipPolicy last)
    {
        AssertSameClips(TestFiles.Fixture(fixture), clipMs, last);
    }

    [Fact]
    public void Slice_ReaderWithNoAudio_ThrowsLikeDecode()
    {
        using var reader = new EmptyReader("silent.wav");

        Action slice = () => ClipSlicer.Slice(reader, 100).Should().BeEmpty();

        slice.Should().ThrowExactly<InvalidAudioException>().WithMessage("Cannot decode 'silent.wav': it contains no audio samples");
    }

    [Fact]
    public void Slice_YieldedClips_OwnTheirArrays()
    {
        string path = WriteWav("song.wav", 20_000, 8000, 2);
        using AudioStreamReader reader = AudioDecoder.Open(path);

        List<AudioClip> clips = [.. ClipSlicer.Slice(reader, 500)];

        clips.SelectMany(c => c.Channels).Distinct().Should().HaveCount(clips.Count * 2);
        clips.Should().OnlyContain(c => c.Channels.All(channel => channel.Length == 4000));
    }

    private static void AssertSameClips(string path, int clipMs, LastClipPolicy last)
    {
        List<AudioClip> expected = [.. ClipSlicer.Slice(AudioDecoder.Decode(path), clipMs, last)];
        using AudioStreamReader reader = AudioDecoder.Open(path);

        List<AudioClip> actual = [.. ClipSlicer.Slice(reader, clipMs, last)];

        actual.Select(c => c.Name).Should().Equal(expected.Select(c => c.Name));
        for (int i = 0; i < expected.Count; i++)
        {
            actual[i].SampleRate.Should().Be(expected[i].SampleRate);
            actual[i].ChannelCount.Should().Be(expected[i].ChannelCount);
            for (int c = 0; c < expected[i].ChannelCount; c++)
            {
                actual[i].Channels[c].Should().Equal(expected[i].Channels[c], $"clip {i}, channel {c}");
            }
        }
    }

    private string WriteWav(string name, int frames, int sampleRate, int channels)
    {
        short[] samples = new short[frames * channels];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(((i * 7919) % 65535) - 32767);
        }

        string path = _directory.File(name);
        File.WriteAllBytes(path, WaveFileBuilder.Simple(1, channels, sampleRate, 16, WaveFileBuilder.Pcm16(samples)));
        return path;
    }

    private sealed class EmptyReader(string name) : AudioStreamReader(name)
    {
        public override int SampleRate => 8000;

        public override int ChannelCount => 1;

        protected override int ReadCore(float[][] destination, int offset, int frameCount) => 0;
    }
}
