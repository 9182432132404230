using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

public sealed class WavDecodingTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Decode_RiffusionClip_HasKnownLengthAndFirstSamples()
    {
        AudioClip clip = AudioDecoder.Decode(TestFiles.Fixture("riffusion/clip_2_start_103694_ms_duration_5678_ms.wav"));

        clip.SampleRate.Should().Be(44100);
        clip.ChannelCount.Should().Be(2);
        clip.Frames.Should().Be(250400);
        clip.Channels[0][..4].Should().Equal(2083 / 32768f, 2359 / 32768f, 2058 / 32768f, 1986 / 32768f);
        clip.Name.Should().EndWith("clip_2_start_103694_ms_duration_5678_ms.wav");
    }

    [Fact]
    public void Decode_Pcm16Stereo_GivesExactScaledValues()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 2, 44100, 16, WaveFileBuilder.Pcm16(0, 1, -32768, 32767, 16384, -16384));

        AudioClip clip = Decode(wav);

        clip.SampleRate.Should().Be(44100);
        clip.Channels[0].Should().Equal(0f, -1f, 0.5f);
        clip.Channels[1].Should().Equal(1 / 32768f, 32767 / 32768f, -0.5f);
    }

    [Fact]
    public void Decode_Pcm8Mono_CentresOn128()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 1, 8000, 8, WaveFileBuilder.Pcm8(128, 0, 255, 192));

        AudioClip clip = Decode(wav);

        clip.ChannelCount.Should().Be(1);
        clip.SampleRate.Should().Be(8000);
        clip.Channels[0].Should().Equal(0f, -1f, 127 / 128f, 0.5f);
    }

    [Fact]
    public void Decode_Pcm24Stereo_SignExtendsAndScales()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 2, 96000, 24, WaveFileBuilder.Pcm24(8388607, -8388608, 1, -1, 4194304, 0));

        AudioClip clip = Decode(wav);

        clip.SampleRate.Should().Be(96000);
        clip.Channels[0].Should().Equal(8388607 / 8388608f, 1 / 8388608f, 0.5f);
        clip.Channels[1].Should().Equal(-1f, -1 / 8388608f, 0f);
    }

    [Fact]
    public void Decode_Pcm32Mono_ScalesByTwoToThe31()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 1, 48000, 32, WaveFileBuilder.Pcm32(int.MinValue, 1 << 30, -(1 << 29), 0));

        AudioClip clip = Decode(wav);

        clip.Channels[0].Should().Equal(-1f, 0.5f, -0.25f, 0f);
    }

    [Fact]
    public void Decode_Float32WithFactChunk_KeepsValuesIncludingOverRange()
    {
        byte[] wav = new WaveFileBuilder()
            .Format(3, 2, 22050, 32)
            .Chunk("fact", WaveFileBuilder.Pcm32(2))
            .Data(WaveFileBuilder.Float32(0.25f, -0.75f, 1.5f, -2f))
            .Build();

        AudioClip clip = Decode(wav);

        clip.SampleRate.Should().Be(22050);
        clip.Channels[0].Should().Equal(0.25f, 1.5f);
        clip.Channels[1].Should().Equal(-0.75f, -2f);
    }

    [Fact]
    public void Decode_Float64Mono_ConvertsToFloat()
    {
        byte[] wav = WaveFileBuilder.Simple(3, 1, 44100, 64, WaveFileBuilder.Float64(0.125, -1.0, 0.1));

        AudioClip clip = Decode(wav);

        clip.Channels[0].Should().Equal(0.125f, -1f, 0.1f);
    }

    [Fact]
    public void Decode_ExtensiblePcm24SixChannels_DecodesEveryChannel()
    {
        int[] interleaved = [1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6];
        byte[] wav = new WaveFileBuilder()
            .ExtensibleFormat(1, 6, 48000, 24, 24, 0x3F)
            .Data(WaveFileBuilder.Pcm24(interleaved))
            .Build();

        AudioClip clip = Decode(wav);

        clip.ChannelCount.Should().Be(6);
        clip.Frames.Should().Be(2);
        for (int c = 0; c < 6; c++)
        {
            clip.Channels[c].Should().Equal((c + 1) / 8388608f, -(c + 1) / 8388608f);
        }
    }

    [Fact]
    public void Decode_ExtensibleFloat32Stereo_Decodes()
    {
        byte[] wav = new WaveFileBuilder()
            .ExtensibleFormat(3, 2, 44100, 32, 32, 0x3)
            .Data(WaveFileBuilder.Float32(0.5f, -0.5f))
            .Build();

        AudioClip clip = Decode(wav);

        clip.Channels[0].Should().Equal(0.5f);
        clip.Channels[1].Should().Equal(-0.5f);
    }

    [Fact]
    public void Decode_Rf64WithDs64_UsesTheDs64DataSize()
    {
        byte[] samples = WaveFileBuilder.Pcm16(100, 200, 300, 400);
        byte[] wav = new WaveFileBuilder()
            .Container("RF64", riffSize: uint.MaxValue)
            .Ds64(riffSize: 100, dataSize: samples.Length, sampleCount: 4)
            .Format(1, 1, 16000, 16)
            .Data(samples, declaredSize: uint.MaxValue)
            .Chunk("LIST", new byte[10])
            .Build();

        AudioClip clip = Decode(wav);

        clip.Channels[0].Should().Equal(100 / 32768f, 200 / 32768f, 300 / 32768f, 400 / 32768f);
    }

    [Fact]
    public void Decode_OddSizedChunkBeforeData_SkipsItsPadByte()
    {
        byte[] wav = new WaveFileBuilder()
            .Chunk("LIST", [1, 2, 3])
            .Format(1, 1, 44100, 16)
            .Chunk("junk", new byte[5])
            .Data(WaveFileBuilder.Pcm16(-2, 7))
            .Build();

        Decode(wav).Channels[0].Should().Equal(-2 / 32768f, 7 / 32768f);
    }

    [Fact]
    public void Decode_TruncatedDataChunk_DecodesTheWholeFramesPresent()
    {
        byte[] full = WaveFileBuilder.Simple(1, 2, 44100, 16, WaveFileBuilder.Pcm16(1, 2, 3, 4, 5, 6));

        // Cut in the middle of the third frame's right sample: two whole frames remain.
        AudioClip clip = Decode(full[..(full.Length - 3)]);

        clip.Frames.Should().Be(2);
        clip.Channels[0].Should().Equal(1 / 32768f, 3 / 32768f);
        clip.Channels[1].Should().Equal(2 / 32768f, 4 / 32768f);
    }

    [Fact]
    public void Decode_StreamingSizePlaceholder_ReadsToEndOfFile()
    {
        byte[] wav = new WaveFileBuilder()
            .Container("RIFF", riffSize: uint.MaxValue)
            .Format(1, 1, 44100, 16)
            .Data(WaveFileBuilder.Pcm16(9, 8, 7), declaredSize: uint.MaxValue)
            .Build();

        Decode(wav).Channels[0].Should().Equal(9 / 32768f, 8 / 32768f, 7 / 32768f);
    }

    [Fact]
    public void Decode_NonSeekableStream_DecodesTheSameSamples()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 1, 44100, 16, WaveFileBuilder.Pcm16(11, -12, 13));
        using var stream = new NonSeekableStream(wav);

        AudioClip clip = AudioDecoder.Decode(stream, "piped.wav");

        clip.Name.Should().Be("piped.wav");
        clip.Channels[0].Should().Equal(11 / 32768f, -12 / 32768f, 13 / 32768f);
    }

    [Fact]
    public void Decode_WavNamedMp3_DecodesByContent()
    {
        string path = _directory.File("actually-a-wave.mp3");
        File.WriteAllBytes(path, WaveFileBuilder.Simple(1, 1, 8000, 16, WaveFileBuilder.Pcm16(1000, -1000)));

        AudioClip clip = AudioDecoder.Decode(path);

        clip.SampleRate.Should().Be(8000);
        clip.Channels[0].Should().Equal(1000 / 32768f, -1000 / 32768f);
    }

    [Fact]
    public void Decode_MoreSamplesThanTheCap_ThrowsNamingTheLimit()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 2, 44100, 16, new byte[4 * 1000]);
        var options = new AudioDecodeOptions { MaxSamples = 1999 };

        Action decode = () => AudioDecoder.Decode(new MemoryStream(wav), "big.wav", options);

        decode.Should().Throw<InvalidAudioException>()
            .WithMessage("*big.wav*2,000 samples*limit of 1,999*");
    }

    [Fact]
    public void Decode_ExactlyTheCap_Decodes()
    {
        byte[] wav = WaveFileBuilder.Simple(1, 2, 44100, 16, new byte[4 * 1000]);

        AudioClip clip = AudioDecoder.Decode(new MemoryStream(wav), "ok.wav", new AudioDecodeOptions { MaxSamples = 2000 });

        clip.Frames.Should().Be(1000);
    }

    private static AudioClip Decode(byte[] wav) => AudioDecoder.Decode(new MemoryStream(wav), "test.wav");
}
