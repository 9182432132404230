using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Tests.Dsp;

public class SpectrogramConverterTests
{
    private static readonly SpectrogramConverter s_converter = new SpectrogramConverter(SpectrogramParams.Riffusion);

    [Fact]
    public void ToMel_RiffusionClipLeft_MatchesGoldenValues()
    {
        MelSpectrogram mel = s_converter.ToMel(RiffusionClip.Left);

        mel.Frames.Should().Be(568);
        mel.MelBins.Should().Be(512);
        float[] m = mel.Channels[0];
        double At(int bin, int frame) => m[bin * mel.Frames + frame];

        // Golden numbers of docs/riffusion-format.md §6 (float64 reference; torch float32 agrees to ~1e-6).
        mel.MaxValue().Should().BeApproximately(46801011.19f, 46801011.19f * 2e-6f);
        At(17, 190).Should().Be(mel.MaxValue());
        At(0, 0).Should().BeApproximately(8.820026e5, 8.820026e5 * 1e-5);
        At(10, 100).Should().BeApproximately(1.575835e6, 1.575835e6 * 1e-5);
        At(100, 284).Should().BeApproximately(4.682188e5, 4.682188e5 * 1e-5);
        At(256, 300).Should().BeApproximately(6.356554e4, 6.356554e4 * 1e-5);
        At(511, 567).Should().BeApproximately(5.029664e6, 5.029664e6 * 1e-5);
    }

    [Fact]
    public void ToMel_RiffusionClipRight_MaxMatchesGolden()
    {
        s_converter.ToMel(RiffusionClip.Right).MaxValue().Should().BeApproximately(45004236.47f, 45004236.47f * 2e-6f);
    }

    [Fact]
    public void ToMel_StereoParams_ComputesBothChannels()
    {
        SpectrogramConverter stereo = new SpectrogramConverter(SpectrogramParams.Riffusion with { Stereo = true });

        MelSpectrogram mel = stereo.ToMel(RiffusionClip.Stereo);

        mel.ChannelCount.Should().Be(2);
        mel.MaxValue().Should().BeApproximately(46801011.19f, 100f);
    }

    [Theory]
    [InlineData(220500, 501)]
    [InlineData(225351, 512)]
    [InlineData(225747, 512)]
    [InlineData(225792, 513)]
    [InlineData(8821, 21)]
    public void ToMel_Length_GivesOnePlusSamplesOverHopFrames(int samples, int frames)
    {
        var clip = new AudioClip(44100, [Tone(samples, 440)]);

        s_converter.ToMel(clip).Frames.Should().Be(frames);
    }

    [Fact]
    public void ToMel_ClipNotLongerThanReflectPadding_ThrowsOneLineError()
    {
        var clip = new AudioClip(44100, [new float[8820]], "short.wav");

        Action convert = () => s_converter.ToMel(clip);

        convert.Should().Throw<InvalidAudioException>().WithMessage("short.wav: 8820 samples*too short*reflect padding*");
    }

    [Fact]
    public void ToMel_WrongRateOrChannels_ThrowsOneLineError()
    {
        var wrongRate = new AudioClip(48000, [new float[48000]], "a.wav");
        var wrongChannels = new AudioClip(44100, [new float[44100], new float[44100]], "b.wav");

        ((Action)(() => s_converter.ToMel(wrongRate))).Should().Throw<InvalidAudioException>().WithMessage("a.wav: sample rate 48000 Hz*");
        ((Action)(() => s_converter.ToMel(wrongChannels))).Should().Throw<InvalidAudioException>().WithMessage("b.wav: has 2 channels*");
    }

    [Fact]
    public void ToMel_AnyParallelism_GivesIdenticalBits()
    {
        var serial = new SpectrogramConverter(SpectrogramParams.Riffusion) { MaxDegreeOfParallelism = 1 };
        var parallel = new SpectrogramConverter(SpectrogramParams.Riffusion) { MaxDegreeOfParallelism = 4 };

        serial.ToMel(RiffusionClip.Left).Channels[0].Should().Equal(parallel.ToMel(RiffusionClip.Left).Channels[0]);
    }

    [Fact]
    public void ToMel_PureTone_PeaksAtTheToneMelBin()
    {
        var clip = new AudioClip(44100, [Tone(44100, 1000)]);

        MelSpectrogram mel = s_converter.ToMel(clip);

        int frame = mel.Frames / 2;
        int best = 0;
        for (int j = 1; j < mel.MelBins; j++)
        {
            if (mel.Channels[0][j * mel.Frames + frame] > mel.Channels[0][best * mel.Frames + frame])
            {
                best = j;
            }
        }

        // 1000 Hz = 999.99 mel; bins are 5.9907 mel apart starting at 0: centre of bin j is (j + 1) * 5.9907.
        best.Should().BeInRange(165, 167);
    }

    [Fact]
    public void ToAudio_ImageWidth_GivesHopTimesWidthMinusOneSamples()
    {
        MelSpectrogram mel = s_converter.ToMel(RiffusionClip.Left);

        AudioClip audio = s_converter.ToAudio(mel, new InversionOptions { Iterations = 2 });

        audio.Frames.Should().Be(441 * 567);
        audio.SampleRate.Should().Be(44100);
    }

    [Fact]
    public void ToAudio_SameSeed_IsReproducibleAtAnyParallelism()
    {
        MelSpectrogram mel = s_converter.ToMel(new AudioClip(44100, [Tone(30000, 440)]));
        var random = new InversionOptions { Iterations = 4, Seed = 9, PhaseInit = PhaseInit.Random };

        float[] a = s_converter.ToAudio(mel, random with { MaxDegreeOfParallelism = 1 }).Channels[0];
        float[] b = s_converter.ToAudio(mel, random with { MaxDegreeOfParallelism = 3 }).Channels[0];
        float[] c = s_converter.ToAudio(mel, random with { Seed = 10 }).Channels[0];

        a.Should().Equal(b);
        a.Should().NotEqual(c);
    }

    [Fact]
    public void ToAudio_Pghi_IsReproducibleAtAnyParallelism_WhateverTheSeed()
    {
        MelSpectrogram mel = s_converter.ToMel(new AudioClip(44100, [Tone(30000, 440)]));
        var pghi = new InversionOptions { Iterations = 4, Seed = 9, PhaseInit = PhaseInit.Pghi };

        float[] a = s_converter.ToAudio(mel, pghi with { MaxDegreeOfParallelism = 1 }).Channels[0];
        float[] b = s_converter.ToAudio(mel, pghi with { MaxDegreeOfParallelism = 3 }).Channels[0];
        float[] c = s_converter.ToAudio(mel, pghi with { Seed = 10 }).Channels[0];

        a.Should().Equal(b);
        a.Should().Equal(c);
    }

    [Fact]
    public void ToAudio_TooFewColumns_ThrowsOneLineError()
    {
        var mel = new MelSpectrogram(SpectrogramParams.Riffusion, 512, 3, [new float[512 * 3]]);

        Action invert = () => s_converter.ToAudio(mel, name: "tiny.png");

        invert.Should().Throw<InvalidImageException>().WithMessage("tiny.png: 3 columns*");
    }

    [Fact]
    public void ToAudio_Cancelled_Throws()
    {
        MelSpectrogram mel = s_converter.ToMel(RiffusionClip.Left);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Action invert = () => s_converter.ToAudio(mel, cancellationToken: cancellation.Token);

        invert.Should().Throw<OperationCanceledException>();
    }

    internal static float[] Tone(int samples, double hz, int rate = 44100, double amplitude = 0.5)
    {
        var x = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            x[i] = (float)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        }

        return x;
    }
}
