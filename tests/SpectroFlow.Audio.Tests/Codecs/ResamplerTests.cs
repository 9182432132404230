using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

public sealed class ResamplerTests
{
    // Transients at the clip's edges are not part of the steady-state measurements.
    private const int EdgeFrames = 2000;

    [Fact]
    public void Resample_SameRate_ReturnsTheSameInstance()
    {
        AudioClip clip = SignalGenerator.SineClip(44100, 0.1, 0.5, 440);

        Resampler.Resample(clip, 44100).Should().BeSameAs(clip);
    }

    [Fact]
    public void Resample_1kHzFrom48kTo44k1_KeepsPitchAndLevelWithSpuriousBelowMinus90dB()
    {
        AudioClip clip = SignalGenerator.SineClip(48000, 2.0, 0.5, 1000);

        AudioClip resampled = Resampler.Resample(clip, 44100);
        ReadOnlySpan<float> steady = Interior(resampled.Channels[0]);

        resampled.SampleRate.Should().Be(44100);
        SpectrumAnalyzer.DominantFrequency(steady, 44100).Should().BeApproximately(1000, 0.5);
        SpectrumAnalyzer.SpuriousLevelDb(steady, 44100).Should().BeLessThan(-90);
        SpectrumAnalyzer.Rms(steady).Should().BeApproximately(0.5 / Math.Sqrt(2), 0.0005);
    }

    [Fact]
    public void Resample_23kHzFrom48kTo44k1_IsAttenuatedByMoreThan80dB()
    {
        AudioClip clip = SignalGenerator.SineClip(48000, 1.0, 0.5, 23000);

        AudioClip resampled = Resampler.Resample(clip, 44100);

        double attenuation = SpectrumAnalyzer.RatioDb(SpectrumAnalyzer.Rms(Interior(resampled.Channels[0])), 0.5 / Math.Sqrt(2));
        attenuation.Should().BeLessThan(-80);
    }

    [Theory]
    [InlineData(48000, 44100, 19500)]
    [InlineData(44100, 22050, 9800)]
    [InlineData(22050, 44100, 9800)]
    public void Resample_ToneInPassband_KeepsItsLevelWithin0Point01dB(int fromRate, int toRate, double frequency)
    {
        AudioClip clip = SignalGenerator.SineClip(fromRate, 1.0, 0.5, frequency);

        AudioClip resampled = Resampler.Resample(clip, toRate);

        double gain = SpectrumAnalyzer.RatioDb(SpectrumAnalyzer.Rms(Interior(resampled.Channels[0])), SpectrumAnalyzer.Rms(Interior(clip.Channels[0])));
        gain.Should().BeInRange(-0.01, 0.01);
    }

    [Fact]
    public void Resample_Upsample22k05To44k1_ImageBelowMinus90dB()
    {
        AudioClip clip = SignalGenerator.SineClip(22050, 1.0, 0.5, 3000);

        AudioClip resampled = Resampler.Resample(clip, 44100);
        ReadOnlySpan<float> steady = Interior(resampled.Channels[0]);

        SpectrumAnalyzer.DominantFrequency(steady, 44100).Should().BeApproximately(3000, 0.5);
        SpectrumAnalyzer.SpuriousLevelDb(steady, 44100).Should().BeLessThan(-90); // the image would be at 19050 Hz
    }

    [Fact]
    public void Resample_CoprimeRates_UsesInterpolatedPhasesWithoutLosingQuality()
    {
        AudioClip clip = SignalGenerator.SineClip(44101, 1.0, 0.5, 1000);

        AudioClip resampled = Resampler.Resample(clip, 48000);
        ReadOnlySpan<float> steady = Interior(resampled.Channels[0]);

        SpectrumAnalyzer.DominantFrequency(steady, 48000).Should().BeApproximately(1000, 0.5);
        SpectrumAnalyzer.SpuriousLevelDb(steady, 48000).Should().BeLessThan(-90);
    }

    [Theory]
    [InlineData(48000, 44100, 100_000)]
    [InlineData(44100, 48000, 12_345)]
    [InlineData(44100, 16000, 44_101)]
    [InlineData(8000, 44100, 1)]
    [InlineData(44101, 48000, 9_999)]
    [InlineData(96000, 22050, 7)]
    public void Resample_Length_IsRoundedRatioTimesFrames(int fromRate, int toRate, int frames)
    {
        var clip = new AudioClip(fromRate, [new float[frames], new float[frames]], "n");

        AudioClip resampled = Resampler.Resample(clip, toRate);

        resampled.Frames.Should().Be((int)Math.Round((double)frames * toRate / fromRate, MidpointRounding.AwayFromZero));
        resampled.ChannelCount.Should().Be(2);
        resampled.Name.Should().Be("n");
    }

    [Fact]
    public void Resample_ConstantSignal_StaysConstantAwayFromTheEdges()
    {
        float[] constant = new float[10_000];
        Array.Fill(constant, 0.25f);

        AudioClip resampled = Resampler.Resample(new AudioClip(48000, [constant]), 44100);

        foreach (float sample in Interior(resampled.Channels[0]))
        {
            sample.Should().BeApproximately(0.25f, 1e-5f);
        }
    }

    [Fact]
    public void Resample_ImpulseIsCentred_NoDelay()
    {
        float[] impulse = new float[4800];
        impulse[2400] = 1f;

        AudioClip resampled = Resampler.Resample(new AudioClip(48000, [impulse]), 24000);

        float[] output = resampled.Channels[0];
        int peak = Array.IndexOf(output, output.Max());
        peak.Should().Be(1200);
    }

    private static ReadOnlySpan<float> Interior(float[] samples) => samples.AsSpan(EdgeFrames, samples.Length - (2 * EdgeFrames));
}
