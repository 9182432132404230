using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Tests.Dsp;

public sealed class OutputLevellingTests
{
    private const float MinusPointOneDb = 0.98855309f; // 10^(-0.1 / 20)

    [Fact]
    public void Peak_StereoClip_OneGainPutsTheLargestSampleAtMinusPointOneDbfs()
    {
        var clip = new AudioClip(44100, [[0.5f, -0.25f, 0.1f], [-0.125f, 0.05f, 0f]], "c");

        AudioClip levelled = OutputLevelling.Apply(clip, Levelling.Peak);

        float gain = MinusPointOneDb / 0.5f;
        levelled.Channels[0].Should().Equal([0.5f * gain, -0.25f * gain, 0.1f * gain], (a, b) => Math.Abs(a - b) < 1e-7f);
        levelled.Channels[1].Should().Equal([-0.125f * gain, 0.05f * gain, 0f], (a, b) => Math.Abs(a - b) < 1e-7f);
        levelled.SampleRate.Should().Be(44100);
        levelled.Name.Should().Be("c");
        clip.Channels[0][0].Should().Be(0.5f, "the input is not modified");
    }

    [Fact]
    public void Peak_Silence_StaysSilent()
    {
        var clip = new AudioClip(22050, [new float[100]], "silence");

        OutputLevelling.Apply(clip, Levelling.Peak).Channels[0].Should().OnlyContain(v => v == 0f);
    }

    /// <summary>
    /// Three clicks of 1.0, 0.8 and 0.6 over a quiet bed (crest factor about 30 dB): Riffusion's -12 dBFS RMS gain
    /// drives all three into int16 saturation, so they come out equal; peak levelling keeps their heights apart.
    /// </summary>
    [Fact]
    public void PeakyMusic_RiffusionsLevellingFlattensTheClicks_PeakKeepsThem()
    {
        float[] samples = new float[44100];
        var random = new Random(7);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(random.NextDouble() - 0.5) * 0.02f;
        }

        samples[10000] = 1.0f;
        samples[20000] = 0.8f;
        samples[30000] = 0.6f;
        var clip = new AudioClip(44100, [samples], "clicks");

        float[] peak = OutputLevelling.Apply(clip, Levelling.Peak).Channels[0];
        float[] riffusion = OutputLevelling.Apply(clip, Levelling.Riffusion).Channels[0];

        peak[10000].Should().BeApproximately(MinusPointOneDb, 1e-6f);
        peak[20000].Should().BeApproximately(0.8f * MinusPointOneDb, 1e-6f);
        peak[30000].Should().BeApproximately(0.6f * MinusPointOneDb, 1e-6f);
        riffusion[20000].Should().Be(riffusion[10000], "the clipped clicks are all at the rail");
        riffusion[30000].Should().Be(riffusion[10000]);
        riffusion[10000].Should().BeApproximately(MinusPointOneDb, 1f / 32768);
    }

    /// <summary>
    /// A sine's crest factor is 3 dB: Riffusion's gain does not clip it, and both levellings agree but for Riffusion's
    /// int16 truncation and floors, which its last gain (about 2.8x here) magnifies to a few steps.
    /// </summary>
    [Fact]
    public void Sine_BothLevellingsAgreeWithinAFewInt16Steps()
    {
        float[] samples = new float[4410];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / 44100f);
        }

        var clip = new AudioClip(44100, [samples], "sine");

        float[] peak = OutputLevelling.Apply(clip, Levelling.Peak).Channels[0];
        float[] riffusion = OutputLevelling.Apply(clip, Levelling.Riffusion).Channels[0];

        for (int i = 0; i < samples.Length; i++)
        {
            riffusion[i].Should().BeApproximately(peak[i], 6f / 32768);
        }
    }

    [Theory]
    [InlineData(Levelling.Peak, IntensityScale.PerImageMax, Levelling.Peak)]
    [InlineData(Levelling.Riffusion, IntensityScale.PerImageMax, Levelling.Riffusion)]
    [InlineData(Levelling.Peak, IntensityScale.AbsoluteMaxVolume, Levelling.Raw)]
    [InlineData(Levelling.Riffusion, IntensityScale.AbsoluteMaxVolume, Levelling.Raw)]
    public void For_AbsoluteScaleKeepsItsLevel(Levelling requested, IntensityScale scale, Levelling applied) =>
        OutputLevelling.For(requested, scale).Should().Be(applied);
}
