using System.Buffers.Binary;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

public sealed class AudioEncoderTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void EncodeWav_Pcm16Stereo_WritesCanonical44ByteHeader()
    {
        var clip = new AudioClip(44100, [[0.5f], [-0.5f]]);

        byte[] wav = AudioEncoder.EncodeWav(clip);

        byte[] expectedHeader =
        [
            .. "RIFF"u8, 40, 0, 0, 0, .. "WAVE"u8,
            .. "fmt "u8, 16, 0, 0, 0, 1, 0, 2, 0, 0x44, 0xAC, 0, 0, 0x10, 0xB1, 0x02, 0, 4, 0, 16, 0,
            .. "data"u8, 4, 0, 0, 0,
        ];
        wav.Should().Equal([.. expectedHeader, 0x00, 0x40, 0x00, 0xC0]);
    }

    [Fact]
    public void EncodeWav_Pcm16_RoundsToNearestTiesToEvenAndSaturates()
    {
        float[] samples = [0f, 0.5f, -1f, 1f, 1.5f, -1.5f, 0.5f / 32768, 1.5f / 32768, -2.5f / 32768, 0.7f / 32768, float.NaN];
        var clip = new AudioClip(8000, [samples]);

        byte[] wav = AudioEncoder.EncodeWav(clip, WavSampleFormat.Pcm16);

        short[] written = new short[samples.Length];
        for (int i = 0; i < written.Length; i++)
        {
            written[i] = BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(44 + (2 * i)));
        }

        written.Should().Equal(0, 16384, -32768, 32767, 32767, -32768, 0, 2, -2, 1, 0);
    }

    [Fact]
    public void EncodeWav_Pcm16ThenDecode_IsBitExactForSixteenBitValues()
    {
        float[] left = [-32768 / 32768f, -1 / 32768f, 0f, 1 / 32768f, 12345 / 32768f, 32767 / 32768f];
        float[] right = [5 / 32768f, -5 / 32768f, 100 / 32768f, -100 / 32768f, 0f, -20000 / 32768f];

        AudioClip decoded = AudioDecoder.Decode(new MemoryStream(AudioEncoder.EncodeWav(new AudioClip(48000, [left, right]))), "rt.wav");

        decoded.SampleRate.Should().Be(48000);
        decoded.Channels[0].Should().Equal(left);
        decoded.Channels[1].Should().Equal(right);
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm24, 1.0 / 8388608)]
    [InlineData(WavSampleFormat.Float32, 0.0)]
    public void EncodeWav_NoiseThenDecode_IsWithinHalfAStep(WavSampleFormat format, double halfStepScale)
    {
        float[] noise = SignalGenerator.Noise(5000, seed: 7, amplitude: 0.99);
        var clip = new AudioClip(44100, [noise]);

        AudioClip decoded = AudioDecoder.Decode(new MemoryStream(AudioEncoder.EncodeWav(clip, format)), "rt.wav");

        for (int i = 0; i < noise.Length; i++)
        {
            Math.Abs((double)decoded.Channels[0][i] - noise[i]).Should().BeLessThanOrEqualTo((halfStepScale * 0.5) + 1e-9);
        }
    }

    [Fact]
    public void EncodeWav_Float32_UsesFloatTagAndFactChunk()
    {
        byte[] wav = AudioEncoder.EncodeWav(new AudioClip(44100, [[0.25f, 2f]]), WavSampleFormat.Float32);

        BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(20)).Should().Be(3);
        wav.AsSpan(38, 4).ToArray().Should().Equal("fact"u8.ToArray());
        BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(46)).Should().Be(2);
        BinaryPrimitives.ReadSingleLittleEndian(wav.AsSpan(wav.Length - 4)).Should().Be(2f);
    }

    [Fact]
    public void EncodeWav_SixChannels_UsesExtensibleFormatAndRoundTrips()
    {
        float[][] channels = new float[6][];
        for (int c = 0; c < 6; c++)
        {
            channels[c] = [(c + 1) / 32768f, -(c + 1) / 32768f];
        }

        byte[] wav = AudioEncoder.EncodeWav(new AudioClip(48000, channels));
        AudioClip decoded = AudioDecoder.Decode(new MemoryStream(wav), "six.wav");

        BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(20)).Should().Be(0xFFFE);
        BinaryPrimitives.ReadUInt32LittleEndian(wav.AsSpan(40)).Should().Be(0x3F);
        decoded.ChannelCount.Should().Be(6);
        decoded.Channels[5].Should().Equal(6 / 32768f, -6 / 32768f);
    }

    [Fact]
    public void Write_WavExtension_WritesDecodableFileAndNoTemporaryFile()
    {
        string path = _directory.File("out.WAV");
        AudioClip clip = SignalGenerator.SineClip(22050, 0.1, 0.5, 440, 880);

        AudioEncoder.Write(path, clip, new AudioWriteOptions { WavFormat = WavSampleFormat.Float32 });

        _directory.FileNames().Should().Equal("out.WAV");
        AudioDecoder.Decode(path).Channels[1].Should().Equal(clip.Channels[1]);
    }

    [Fact]
    public void Write_UnsupportedExtension_ListsSupportedFormatsAndWritesNothing()
    {
        string path = _directory.File("out.aiff");

        Action write = () => AudioEncoder.Write(path, new AudioClip(8000, [[0f]]));

        write.Should().ThrowExactly<SpectroFlowException>().WithMessage("*out.aiff*'.aiff'*supported: .wav, .mp3, .flac, .ogg");
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public void WriteAtomically_EncoderFailsMidway_LeavesNoFileAndNoTemporaryFile()
    {
        string path = _directory.File("broken.wav");

        Action write = () => AudioEncoder.WriteAtomically(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("encoder exploded");
        });

        write.Should().Throw<InvalidOperationException>();
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public void WriteMp3_LameRejectsSettings_KeepsExistingFileAndLeavesNoTemporaryFile()
    {
        string path = _directory.File("keep.mp3");
        File.WriteAllBytes(path, [1, 2, 3]);

        // 1 Hz audio cannot be encoded: LAME fails after the output file was opened.
        Action write = () => AudioEncoder.WriteMp3(path, new AudioClip(1, [new float[10]]), 128);

        write.Should().Throw<SpectroFlowException>().WithMessage("Cannot encode * as MP3: *");
        _directory.FileNames().Should().Equal("keep.mp3");
        File.ReadAllBytes(path).Should().Equal(1, 2, 3);
        Directory.GetFiles(_directory.Path, "*" + AtomicFile.TemporarySuffix).Should().BeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(100)]
    [InlineData(144)]
    [InlineData(321)]
    public void WriteMp3_IllegalBitrate_ThrowsListingLegalOnes(int bitrate)
    {
        Action write = () => AudioEncoder.WriteMp3(_directory.File("x.mp3"), new AudioClip(44100, [new float[10]]), bitrate);

        write.Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage($"{bitrate} kbit/s is not an MP3 bitrate; use one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320.*");
        _directory.FileNames().Should().BeEmpty();
    }

    [Theory]
    [InlineData(8)]
    [InlineData(144)]
    public void EnsureWritable_BitrateLameWouldChange_IsOneLineListingTheAllowedValues(int bitrate)
    {
        string path = _directory.File("out.mp3");

        Action check = () => AudioEncoder.EnsureWritable(path, new AudioWriteOptions { Mp3BitrateKbps = bitrate });

        check.Should().ThrowExactly<SpectroFlowException>().WithMessage(
            $"Cannot write '{path}': {bitrate} kbit/s is not an MP3 bitrate; use one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320");
    }

    [Theory]
    [InlineData(32)]
    [InlineData(40)]
    [InlineData(48)]
    [InlineData(56)]
    [InlineData(64)]
    [InlineData(80)]
    [InlineData(96)]
    [InlineData(112)]
    [InlineData(128)]
    [InlineData(160)]
    [InlineData(192)]
    [InlineData(224)]
    [InlineData(256)]
    [InlineData(320)]
    public void EncodeMp3_EveryAllowedBitrate_IsWrittenAtThatBitrateAndTheClipsRate(int bitrate)
    {
        AudioClip clip = SignalGenerator.SineClip(44100, 1.0, 0.5, 440, 660);

        byte[] mp3 = AudioEncoder.EncodeMp3(clip, bitrate);

        // The first frame is LAME's Info frame; the second is audio.
        MpegAudioFrameHeader.TryParse(mp3, out MpegAudioFrameHeader info).Should().BeTrue();
        MpegAudioFrameHeader.TryParse(mp3.AsSpan(info.FrameLength), out MpegAudioFrameHeader audio).Should().BeTrue();
        audio.SampleRate.Should().Be(44100);
        audio.Bitrate.Should().Be(bitrate * 1000);
        AudioDecoder.Decode(new MemoryStream(mp3), "x.mp3").SampleRate.Should().Be(44100);
    }

    [Fact]
    public void EncodeMp3_RateMp3CannotHold_IsRefusedNotResampled()
    {
        Action encode = () => AudioEncoder.EncodeMp3(SignalGenerator.SineClip(96000, 0.5, 0.5, 440).WithName("hi.wav"));

        encode.Should().ThrowExactly<SpectroFlowException>().WithMessage("Cannot encode 'hi.wav' as MP3: 96000 Hz is not an MP3 sample rate*");
    }

    [Fact]
    public void LoadLame_LibraryMissing_ThrowsNativeLibraryMissingWithInstallHint()
    {
        Action load = () => LameLibrary.Load("libmp3lame-does-not-exist.so.0");

        load.Should().Throw<NativeLibraryMissingException>()
            .WithMessage("libmp3lame-does-not-exist.so.0 is not installed: run 'apt-get install libmp3lame0' (WAV output works without it; write .wav instead)")
            .Which.AptPackage.Should().Be("libmp3lame0");
    }

    [Fact]
    public void WriteMp3_StereoSineThenDecode_KeepsRateChannelsDurationAndPitch()
    {
        string path = _directory.File("tone.mp3");
        AudioClip clip = SignalGenerator.SineClip(44100, 2.0, 0.5, 1000, 3000);

        AudioEncoder.Write(path, clip, new AudioWriteOptions { Mp3BitrateKbps = 128 });
        AudioClip decoded = AudioDecoder.Decode(path);

        _directory.FileNames().Should().Equal("tone.mp3");
        new FileInfo(path).Length.Should().BeInRange(30_000, 34_000); // 2 s at 128 kbit/s = 32 kB, plus a frame or two
        decoded.SampleRate.Should().Be(44100);
        decoded.ChannelCount.Should().Be(2);
        decoded.DurationSeconds.Should().BeInRange(2.0, 2.0 + (3 * 1152 / 44100.0));
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[0], 44100).Should().BeApproximately(1000, 1);
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[1], 44100).Should().BeApproximately(3000, 1);
        // LAME at 128 kbit/s returns this tone about 0.45 dB quieter (ffmpeg decodes the same level as NLayer).
        SpectrumAnalyzer.RatioDb(SpectrumAnalyzer.Rms(decoded.Channels[0].AsSpan(20000, 44100)), 0.5 / Math.Sqrt(2)).Should().BeInRange(-1.0, 0.1);
    }

    [Fact]
    public void EncodeMp3_MonoLowRate_IsMonoMpeg2()
    {
        AudioClip clip = SignalGenerator.SineClip(22050, 1.0, 0.5, 440);

        byte[] mp3 = AudioEncoder.EncodeMp3(clip, 64);
        AudioClip decoded = AudioDecoder.Decode(new MemoryStream(mp3), "mono.mp3");

        (mp3[1] & 0x18).Should().Be(0x10, "22.05 kHz is an MPEG-2 rate");
        decoded.SampleRate.Should().Be(22050);
        decoded.ChannelCount.Should().Be(1);
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[0], 22050).Should().BeApproximately(440, 1);
    }

    [Fact]
    public void EncodeMp3_FourChannels_UsesTheFirstTwo()
    {
        AudioClip clip = SignalGenerator.SineClip(48000, 1.0, 0.5, 500, 1500, 4000, 6000);

        AudioClip decoded = AudioDecoder.Decode(new MemoryStream(AudioEncoder.EncodeMp3(clip)), "quad.mp3");

        decoded.ChannelCount.Should().Be(2);
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[0], 48000).Should().BeApproximately(500, 1);
        SpectrumAnalyzer.DominantFrequency(decoded.Channels[1], 48000).Should().BeApproximately(1500, 1);
    }
}
