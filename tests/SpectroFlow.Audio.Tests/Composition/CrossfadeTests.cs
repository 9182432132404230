using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Tests.Composition;

/// <summary>
/// <see cref="TimeStretcher"/>, <see cref="TruePeak"/>, <see cref="Crossfader"/> and <see cref="Looper"/> on generated
/// click tracks with known beat grids: A's beats are 5 kHz bursts, B's 500 Hz bursts, so each side's beats can be
/// found in the mix.
/// </summary>
public class CrossfadeTests
{
    private const int Rate = 44100;

    [Fact]
    public void Stretch_Sine_KeepsItsPitch_AndHasTheExactLength()
    {
        float[] sine = Tone(440, 3.0, 0.5);

        float[][] stretched = TimeStretcher.Stretch([sine], 1.035);

        stretched[0].Length.Should().Be((int)Math.Round(sine.Length * 1.035, MidpointRounding.AwayFromZero));
        double frequency = ZeroCrossings(stretched[0].AsSpan(Rate / 2, 2 * Rate)) / 2.0 / 2.0;
        frequency.Should().BeApproximately(440, 2, "WSOLA changes the length, not the pitch");
    }

    [Fact]
    public void Stretch_ClickTrain_ScalesTheSpacingByTheRatio()
    {
        float[] clicks = Clicks(Beats(0.1, 0.5, 12), 5000, 8.0);

        float[][] stretched = TimeStretcher.Stretch([clicks], 1.04);

        // Every click is still there and keeps most of its level (WSOLA may split a hit over frames).
        double[] envelope = Envelope(stretched[0], 5000);
        double[] levels = [.. Beats(0.1, 0.52, 12).Select(t => envelope.AsSpan((int)(t * 1000) - 20, 60).ToArray().Max() / envelope.Max())];
        levels.Min().Should().BeGreaterThan(0.4, "no click loses more than 4 dB (energies {0})", string.Join(", ", levels.Select(l => l.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))));
        double[] found = Peaks(envelope, 0.15);
        found.Length.Should().Be(12, string.Join(", ", found));
        double spacing = (found[^1] - found[0]) / (found.Length - 1);
        spacing.Should().BeApproximately(0.52, 0.002);
    }

    [Fact]
    public void TruePeak_FindsThePeakBetweenSamples()
    {
        // A full-scale sine at a quarter of the rate, sampled at ±45°: samples reach 0.707, the wave reaches 1.
        float[] x = [.. Enumerable.Range(0, 400).Select(n => (float)Math.Sin((Math.PI / 2 * n) + (Math.PI / 4)))];

        double samplePeak = x.Max(Math.Abs);
        double truePeak = TruePeak.Measure([x]);

        samplePeak.Should().BeApproximately(0.7071, 1e-3);
        truePeak.Should().BeApproximately(1.0, 0.02);
    }

    [Fact]
    public void Crossfade_120Into123Bpm_BeatsCoincideWithin10Ms_LengthExact_NoClipping()
    {
        // A: 120 bpm (0.5 s) from 0.25 s, 20 s; B: 123 bpm from 0.1 s, 16 s; both loud enough to clip if summed naively.
        double[] beatsA = Beats(0.25, 0.5, 39);
        double periodB = 60.0 / 123;
        double[] beatsB = Beats(0.1, periodB, 32);
        var a = new AudioClip(Rate, [Clicks(beatsA, 5000, 20.0, 0.95f)]);
        var b = new AudioClip(Rate, [Clicks(beatsB, 500, 16.0, 0.95f)]);

        CrossfadeResult result = Crossfader.Crossfade(a, Grid(120, beatsA), b, Grid(123, beatsB), new CrossfadeSettings { Beats = 8 });

        result.BeatAligned.Should().BeTrue(result.FallbackReason);
        result.OverlapBeats.Should().Be(8);
        double ratio = 0.5 / periodB;
        result.StretchRatio.Should().BeApproximately(ratio, 1e-9);
        long stretchedB = (long)Math.Round(b.Frames * ratio, MidpointRounding.AwayFromZero);
        long downbeatB = (long)Math.Round(0.1 * ratio * Rate);
        ((long)result.Audio.Frames).Should().Be(result.OverlapStart + stretchedB - downbeatB, "A up to the overlap, then B from its first downbeat");
        result.OverlapStart.Should().Be((long)Math.Round(beatsA[28] * Rate), "A's last downbeat with 8 beats after it");

        float[] mix = result.Audio.Channels[0];
        double[] peaksA = Peaks(Envelope(mix, 5000), 0.05);
        double[] peaksB = Peaks(Envelope(mix, 500), 0.05);
        double start = result.OverlapStart / (double)Rate;
        double end = start + (result.OverlapLength / (double)Rate);
        int checkedBeats = 0;
        foreach (double beat in peaksA.Where(t => t > start + 0.6 && t < end - 0.6))
        {
            peaksB.Min(t => Math.Abs(t - beat)).Should().BeLessThan(0.010, $"B's beat should land on A's beat at {beat:0.000} s");
            checkedBeats++;
        }

        checkedBeats.Should().BeGreaterThanOrEqualTo(4);
        mix.Max(Math.Abs).Should().BeLessThan(1f);
        TruePeak.Measure(result.Audio.Channels).Should().BeLessThanOrEqualTo(TruePeak.Ceiling + 1e-6);
    }

    [Fact]
    public void Crossfade_BeatlessSide_FallsBackToAPlainEqualPowerCrossfade_SayingWhy()
    {
        double[] beatsA = Beats(0.25, 0.5, 39);
        var a = new AudioClip(Rate, [Clicks(beatsA, 5000, 20.0)]);
        var b = new AudioClip(Rate, [Tone(300, 12.0, 0.3)]);

        CrossfadeResult result = Crossfader.Crossfade(a, Grid(120, beatsA), b, TempoEstimate.None, new CrossfadeSettings());

        result.BeatAligned.Should().BeFalse();
        result.FallbackReason.Should().Be("no beat found in the incoming song");
        result.Audio.Frames.Should().Be(a.Frames + b.Frames - (8 * Rate));
    }

    [Fact]
    public void Crossfade_TemposTooFarApart_FallsBack_AndHalfTimeIsMatched()
    {
        double[] beatsA = Beats(0.25, 0.5, 39);
        double[] slow = Beats(0.2, 60.0 / 90, 20);
        double[] half = Beats(0.2, 60.0 / 61, 14);
        var a = new AudioClip(Rate, [Clicks(beatsA, 5000, 20.0)]);
        var b = new AudioClip(Rate, [Clicks(slow, 500, 14.0)]);

        CrossfadeResult far = Crossfader.Crossfade(a, Grid(120, beatsA), b, Grid(90, slow), new CrossfadeSettings());
        CrossfadeResult halfTime = Crossfader.Crossfade(a, Grid(120, beatsA), b, Grid(61, half), new CrossfadeSettings());

        far.BeatAligned.Should().BeFalse();
        far.FallbackReason.Should().Contain("differ by").And.Contain("more than stretch_max 4 %");
        halfTime.BeatAligned.Should().BeTrue("61 bpm is half of 122, within 4 % of 120");
    }

    [Fact]
    public void Crossfade_DifferentRatesAndChannels_AreConformedToTheOutgoingRateAndStereo()
    {
        var a = new AudioClip(Rate, [Tone(300, 10, 0.3)]);
        var b = new AudioClip(22050, [Tone(300, 10, 0.3, 22050), Tone(300, 10, 0.3, 22050)]);

        CrossfadeResult result = Crossfader.Crossfade(a, TempoEstimate.None, b, TempoEstimate.None, new CrossfadeSettings { BeatAlign = false, Seconds = 2 });

        result.Audio.SampleRate.Should().Be(Rate);
        result.Audio.ChannelCount.Should().Be(2);
        result.Audio.Frames.Should().Be((18 * Rate));
    }

    [Fact]
    public void Loop_WholeBarsFromTheFirstDownbeat_ExactLength_AndTheSeamDoesNotClick()
    {
        // A drone whose period does not divide the loop, plus clicks: without the seam crossfade the wave would jump.
        double[] beats = Beats(0.25, 0.5, 39);
        float[] drone = Tone(97, 20, 0.4);
        float[] clicks = Clicks(beats, 5000, 20, 0.3f);
        float[] mixed = [.. drone.Zip(clicks, (x, y) => x + y)];
        var clip = new AudioClip(Rate, [mixed]);

        LoopResult result = Looper.Loop(clip, Grid(120, beats), repeats: 3, bars: 0, seamMs: 80);

        result.Bars.Should().Be(8, "16 bars (32 s) do not fit in 20 s, 8 bars (16 s) do");
        result.LoopStart.Should().Be((long)Math.Round(0.25 * Rate));
        result.LoopLength.Should().Be(16 * Rate);
        result.Audio.Frames.Should().Be(3 * 16 * Rate);
        float[] y = result.Audio.Channels[0];
        double typical = MaxStep(y, Rate, 2 * Rate);
        MaxStep(y, (int)result.LoopLength - 50, (int)result.LoopLength + 50).Should().BeLessThan(1.5 * typical, "the seam is no steeper than the music");
    }

    private static TempoEstimate Grid(double bpm, double[] beats) =>
        new(bpm, 0.9, beats, [.. beats.Where((_, i) => i % 4 == 0)]);

    private static double[] Beats(double first, double period, int count) => [.. Enumerable.Range(0, count).Select(i => first + (i * period))];

    private static float[] Tone(double frequency, double seconds, double amplitude, int rate = Rate) =>
        [.. Enumerable.Range(0, (int)(seconds * rate)).Select(n => (float)(amplitude * Math.Sin(2 * Math.PI * frequency * n / rate)))];

    /// <summary>Hann-shaped tone bursts (8 cycles) starting at each beat.</summary>
    private static float[] Clicks(double[] beats, double frequency, double seconds, float amplitude = 0.5f)
    {
        var x = new float[(int)(seconds * Rate)];
        int length = (int)(8 * Rate / frequency);
        foreach (double beat in beats)
        {
            int start = (int)Math.Round(beat * Rate);
            for (int n = 0; n < length && start + n < x.Length; n++)
            {
                double window = 0.5 - (0.5 * Math.Cos(2 * Math.PI * n / length));
                x[start + n] += (float)(amplitude * window * Math.Sin(2 * Math.PI * frequency * n / Rate));
            }
        }

        return x;
    }

    /// <summary>Energy at <paramref name="frequency"/> per millisecond (a 4-cycle sliding correlation).</summary>
    private static double[] Envelope(float[] x, double frequency)
    {
        int step = Rate / 1000;
        int window = (int)(4 * Rate / frequency);
        var envelope = new double[x.Length / step];
        for (int m = 0; m < envelope.Length; m++)
        {
            double re = 0, im = 0;
            for (int n = 0; n < window && (m * step) + n < x.Length; n++)
            {
                double phase = 2 * Math.PI * frequency * n / Rate;
                re += x[(m * step) + n] * Math.Cos(phase);
                im += x[(m * step) + n] * Math.Sin(phase);
            }

            envelope[m] = (re * re) + (im * im);
        }

        return envelope;
    }

    /// <summary>Times (s) of the local maxima above <paramref name="fraction"/> of the largest, at least 100 ms apart; centres of the bursts.</summary>
    private static double[] Peaks(double[] envelope, double fraction)
    {
        double threshold = envelope.Max() * fraction;
        var peaks = new List<double>();
        for (int m = 1; m < envelope.Length - 1; m++)
        {
            if (envelope[m] >= threshold && envelope[m] >= envelope[m - 1] && envelope[m] > envelope[m + 1]
                && (peaks.Count == 0 || m / 1000.0 - peaks[^1] > 0.1))
            {
                int start = m;
                while (start > 0 && envelope[start - 1] > envelope[m] * 0.5)
                {
                    start--;
                }

                peaks.Add(start / 1000.0);
            }
        }

        return [.. peaks];
    }

    private static int ZeroCrossings(ReadOnlySpan<float> x)
    {
        int count = 0;
        for (int n = 1; n < x.Length; n++)
        {
            if ((x[n - 1] < 0) != (x[n] < 0))
            {
                count++;
            }
        }

        return count;
    }

    private static double MaxStep(float[] x, int from, int to)
    {
        double max = 0;
        for (int n = Math.Max(1, from); n < to; n++)
        {
            max = Math.Max(max, Math.Abs(x[n] - x[n - 1]));
        }

        return max;
    }
}
