using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using Xunit.Abstractions;

namespace SpectroFlow.Audio.Tests.Dsp;

public sealed class JoinedInversionTests(ITestOutputHelper output)
{
    private const int SampleRate = 44100;
    private const int Hop = 441;
    private static readonly SpectrogramConverter s_converter = new(SpectrogramParams.Riffusion);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 10)]
    [InlineData(104, 10)]
    public void JoinAndInvert_OutputLength_IsTheSumOfThePartsMinusTheCrossfades(int crossfadeMs, int crossfadeColumns)
    {
        int[] widths = [60, 45, 80];
        JoinPart[] parts = [.. widths.Select((w, i) => new JoinPart(Mel(Music(Hop * (w - 1), startSample: 0)), $"clip_{i}.png"))];
        int columns = (int)Math.Round(crossfadeMs / 10.0, MidpointRounding.AwayFromZero);
        columns.Should().Be(crossfadeColumns);

        MelSpectrogram track = JoinedInversion.Join(parts, columns);
        AudioClip audio = JoinedInversion.Invert(s_converter, track, new JoinedInversionOptions { Iterations = 2, WindowColumns = 64, OverlapColumns = 16 });

        int expected = widths.Sum(w => Hop * (w - 1)) - (widths.Length - 1) * columns * Hop;
        audio.Frames.Should().Be(expected);
        audio.SampleRate.Should().Be(SampleRate);
    }

    [Fact]
    public void Invert_OneWindow_IsExactlyThePlainInversionWithTheSameSeed()
    {
        MelSpectrogram mel = Mel(Music(Hop * 59, startSample: 0));

        AudioClip joined = JoinedInversion.Invert(s_converter, JoinedInversion.Join([new JoinPart(mel, "a.png")], 0), new JoinedInversionOptions { Iterations = 4, Seed = 7 });
        AudioClip plain = s_converter.ToAudio(mel, new InversionOptions { Iterations = 4, Seed = 7 });

        joined.Channels[0].Should().Equal(plain.Channels[0]);
    }

    [Theory]
    [InlineData(PhaseInit.Random)]
    [InlineData(PhaseInit.Pghi)]
    public void Invert_SameSamplesAtAnyThreadCount_OtherSeedOtherSamplesOnlyForTheRandomStart(PhaseInit phaseInit)
    {
        MelSpectrogram track = JoinedInversion.Join([new JoinPart(Mel(Music(Hop * 99, 0)), "a"), new JoinPart(Mel(Music(Hop * 99, Hop * 99)), "b")], 2);
        var options = new JoinedInversionOptions { Iterations = 3, WindowColumns = 64, OverlapColumns = 16, Seed = 11, PhaseInit = phaseInit };

        float[] first = JoinedInversion.Invert(s_converter, track, options).Channels[0];
        float[] again = JoinedInversion.Invert(s_converter, track, options with { MaxDegreeOfParallelism = 1 }).Channels[0];
        float[] other = JoinedInversion.Invert(s_converter, track, options with { Seed = 12 }).Channels[0];

        again.Should().Equal(first);
        if (phaseInit == PhaseInit.Random)
        {
            other.Should().NotEqual(first);
        }
        else
        {
            other.Should().Equal(first);
        }
    }

    [Fact]
    public void Join_MismatchedParameters_NamesThePart()
    {
        MelSpectrogram riffusion = Mel(Music(Hop * 59, 0));
        var other = new MelSpectrogram(SpectrogramParams.Riffusion with { MaxFrequency = 8000 }, 512, 60, [new float[512 * 60]]);
        var lower = new MelSpectrogram(SpectrogramParams.Riffusion with { NumFrequencies = 256 }, 256, 60, [new float[256 * 60]]);

        Action parameters = () => JoinedInversion.Join([new JoinPart(riffusion, "clip_1.png"), new JoinPart(other, "clip_2.png")], 0);
        Action height = () => JoinedInversion.Join([new JoinPart(riffusion, "clip_1.png"), new JoinPart(lower, "clip_2.png")], 0);
        Action narrow = () => JoinedInversion.Join([new JoinPart(riffusion, "clip_1.png"), new JoinPart(riffusion, "clip_2.png"), new JoinPart(riffusion, "clip_3.png")], 30);

        parameters.Should().Throw<SpectroFlowException>().Which.Message.Should().Be(
            "clip_2.png: its spectrogram parameters differ from clip_1.png's (MaxFrequency 8000 vs 10000); every part of a join must have the same");
        height.Should().Throw<SpectroFlowException>().Which.Message.Should().Be(
            "clip_2.png: is 256 px high but clip_1.png is 512; every part of a join must have the same height");
        narrow.Should().Throw<SpectroFlowException>().Which.Message.Should().Be(
            "clip_2.png: 60 columns is too narrow to join with a crossfade of 30 columns (needs at least 62)");
    }

    [Fact]
    public void Join_KeepsThePartsRelativeLevels()
    {
        MelSpectrogram mel = Mel(Music(Hop * 59, 0));

        MelSpectrogram track = JoinedInversion.Join([new JoinPart(mel, "loud", 1.0), new JoinPart(mel, "quiet", 0.25)], 0);

        float[] m = track.Channels[0];
        int row = 40 * track.Frames;
        m[row + 10].Should().Be(mel.Channels[0][(40 * 60) + 10]);
        m[row + 59 + 10].Should().BeApproximately(0.25f * mel.Channels[0][(40 * 60) + 10], 1e-3f * mel.Channels[0][(40 * 60) + 10]);
    }

    /// <summary>
    /// The point of the joined inversion: parts cut from one continuous piece, inverted clip by clip and concatenated,
    /// jump at every seam (each part's phases start at random); inverted as one signal, the seams look like anywhere else.
    /// Measure: energy of the first difference (a click is broadband, the music here is below 1 kHz) in 256-sample
    /// blocks, at the seams over the median block.
    /// </summary>
    [Fact]
    public void JoinedInversion_SeamsAreFarSmootherThanClipByClipInversion()
    {
        const int Parts = 4;
        const int Width = 100;
        int partSamples = Hop * (Width - 1);
        JoinPart[] parts = [.. Enumerable.Range(0, Parts).Select(i => new JoinPart(Mel(Music(partSamples, i * partSamples)), $"clip_{i}.png"))];
        int[] seams = [.. Enumerable.Range(1, Parts - 1).Select(i => i * partSamples)];

        float[] clipByClip = [.. parts.SelectMany((p, i) => s_converter.ToAudio(p.Mel, new InversionOptions { Iterations = 32, Seed = (ulong)i, PhaseInit = PhaseInit.Random }).Channels[0])];
        float[] joined = JoinedInversion.Invert(
            s_converter, JoinedInversion.Join(parts, 0), new JoinedInversionOptions { Iterations = 32, WindowColumns = 128, OverlapColumns = 32, Seed = 0 }).Channels[0];

        float[] oneWindow = JoinedInversion.Invert(
            s_converter, JoinedInversion.Join(parts, 0), new JoinedInversionOptions { Iterations = 32, WindowColumns = 1024, Seed = 0 }).Channels[0];

        joined.Length.Should().Be(clipByClip.Length);
        double separate = SeamRatio(clipByClip, seams);
        double together = SeamRatio(joined, seams);
        double togetherElsewhere = WorstBlockRatio(joined, seams);
        output.WriteLine($"seam click ratio (worst seam block / median block of first-difference energy): clip-by-clip {separate:0.00}, joined {together:0.00} (windows of 128 columns), {SeamRatio(oneWindow, seams):0.00} (one window); joined worst non-seam block {togetherElsewhere:0.00}, clip-by-clip {WorstBlockRatio(clipByClip, seams):0.00}");
        separate.Should().BeGreaterThan(8 * together, "clip-by-clip inversion clicks at the seams");
        together.Should().BeLessThan(togetherElsewhere, "the joined inversion's seams are no worse than other places of the same signal");
        separate.Should().BeGreaterThan(15, "the measure sees the clicks of clip-by-clip inversion");
    }

    private static double SeamRatio(float[] x, int[] seams)
    {
        double[] blocks = BlockEnergies(x);
        double median = Median(blocks);
        return seams.Max(s => BlockEnergy(x, s - 128)) / median;
    }

    private static double WorstBlockRatio(float[] x, int[] seams)
    {
        double[] blocks = BlockEnergies(x);
        double median = Median(blocks);
        return blocks.Where((_, i) => seams.All(s => Math.Abs((i * 256) + 128 - s) > 512)).Max() / median;
    }

    private static double[] BlockEnergies(float[] x) => [.. Enumerable.Range(0, (x.Length / 256) - 1).Select(i => BlockEnergy(x, (i * 256) + 1))];

    private static double BlockEnergy(float[] x, int start)
    {
        double sum = 0;
        for (int n = start; n < start + 256; n++)
        {
            double d = x[n] - x[n - 1];
            sum += d * d;
        }

        return sum;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    private static MelSpectrogram Mel(float[] samples) => s_converter.ToMel(new AudioClip(SampleRate, [samples], "part"));

    /// <summary>A slowly moving chord (110-660 Hz with vibrato and a swell), continuous across parts: samples [start, start + length).</summary>
    private static float[] Music(int length, int startSample)
    {
        double[] frequencies = [110, 220, 277.2, 330, 440, 660];
        float[] samples = new float[length];
        for (int n = 0; n < length; n++)
        {
            double t = (n + startSample) / (double)SampleRate;
            double swell = 0.6 + 0.4 * Math.Sin(2 * Math.PI * 0.3 * t);
            double sum = 0;
            for (int k = 0; k < frequencies.Length; k++)
            {
                double f = frequencies[k];
                sum += Math.Sin((2 * Math.PI * f * t) + (0.002 * f * Math.Sin(2 * Math.PI * 5 * t)) + k) / (k + 1);
            }

            samples[n] = (float)(0.3 * swell * sum);
        }

        return samples;
    }
}
