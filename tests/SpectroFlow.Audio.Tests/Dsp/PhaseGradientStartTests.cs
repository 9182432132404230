using System.Diagnostics;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using Xunit.Abstractions;

namespace SpectroFlow.Audio.Tests.Dsp;

/// <summary>
/// PGHI starting phases in Riffusion's geometry (n_fft 17640, Hann 4410, hop 441 at 44.1 kHz), judged by spectral
/// convergence SC = ||S - |STFT(x)| ||_F / ||S||_F of one inverse STFT with no Griffin-Lim iteration at all.
/// </summary>
public sealed class PhaseGradientStartTests(ITestOutputHelper output)
{
    private const int SampleRate = 44100;
    private const int Seconds = 1;
    private static readonly StftGeometry s_geometry = new(SpectrogramParams.Riffusion);
    private static readonly int s_bins = MelFilterBank.Create(SpectrogramParams.Riffusion).UsedBinCount;

    public static TheoryData<string> Signals => new() { "chirp", "sines" };

    /// <summary>
    /// Faded in and out over 100 ms: the first and last frames are centred on the reflect padding's mirror points,
    /// where the signal has a kink no smooth phase field describes (see <see cref="PghiStart_Unfaded_OnlyTheEdgeFramesMiss"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(Signals))]
    public void PghiStart_NoIterations_ReconstructsTheMagnitudes_RandomStartDoesNot(string signal)
    {
        float[] x = Fade(Signal(signal));
        int frames = s_geometry.FrameCount(x.Length);
        float[] magnitudes = Magnitudes(x, frames);

        var watch = Stopwatch.StartNew();
        float[] start = PhaseGradientStart.Compute(magnitudes, frames, s_bins, s_geometry);
        TimeSpan pghiTime = watch.Elapsed;
        double pghi = SpectralConvergence(magnitudes, Invert(magnitudes, frames, iterations: 0, start), frames, 0, frames);
        double random = SpectralConvergence(magnitudes, Invert(magnitudes, frames, iterations: 0, carried: default), frames, 0, frames);
        double pghi32 = SpectralConvergence(magnitudes, Invert(magnitudes, frames, iterations: 32, start), frames, 0, frames);
        double random32 = SpectralConvergence(magnitudes, Invert(magnitudes, frames, iterations: 32, carried: default), frames, 0, frames);

        output.WriteLine(
            $"{signal}: {frames} frames x {s_bins} bins, PGHI {pghiTime.TotalMilliseconds:0} ms; SC at 0 iterations: PGHI {pghi:0.0000}, random {random:0.0000}; " +
            $"at 32 (momentum 0.99): PGHI {pghi32:0.0000}, random {random32:0.0000}");
        pghi.Should().BeLessThan(0.05);
        random.Should().BeGreaterThan(0.2);
    }

    /// <summary>Without the fades the phase field is right everywhere but in the few frames next to the edges.</summary>
    [Theory]
    [MemberData(nameof(Signals))]
    public void PghiStart_Unfaded_OnlyTheEdgeFramesMiss(string signal)
    {
        float[] x = Signal(signal);
        int frames = s_geometry.FrameCount(x.Length);
        float[] magnitudes = Magnitudes(x, frames);

        float[] wave = Invert(magnitudes, frames, iterations: 0, PhaseGradientStart.Compute(magnitudes, frames, s_bins, s_geometry));
        double all = SpectralConvergence(magnitudes, wave, frames, 0, frames);
        double inner = SpectralConvergence(magnitudes, wave, frames, 5, frames - 5);

        output.WriteLine($"{signal}, unfaded: SC at 0 iterations over all frames {all:0.0000}, without 5 frames at each edge {inner:0.0000}");
        inner.Should().BeLessThan(0.02);
    }

    /// <summary>Keeping the most consistent iterate: the inconsistency of the result never rises with more iterations.</summary>
    [Theory]
    [MemberData(nameof(Signals))]
    public void KeepBest_InconsistencyNeverRisesWithMoreIterations(string signal)
    {
        float[] x = Signal(signal);
        int frames = s_geometry.FrameCount(x.Length);
        float[] magnitudes = Magnitudes(x, frames);
        float[] start = PhaseGradientStart.Compute(magnitudes, frames, s_bins, s_geometry);

        int[] counts = [0, 1, 2, 4, 8, 16, 32];
        double[] convergence = [.. counts.Select(n => SpectralConvergence(magnitudes, Invert(magnitudes, frames, n, start, keepBest: true), frames, 0, frames))];
        double[] history = new double[33];
        using (var pool = new FramePool(s_geometry.FftSize, s_bins * 2, 0, CancellationToken.None))
        {
            new GriffinLim(s_geometry, s_bins, pool).Run(magnitudes, frames, 32, 0.99, 1, start, 0, null, keepBest: true, history, CancellationToken.None);
        }

        output.WriteLine($"{signal}, unfaded: SC of the result at {string.Join(", ", counts.Zip(convergence, (n, sc) => $"{n}: {sc:0.00000}"))}");
        for (int i = 1; i < counts.Length; i++)
        {
            convergence[i].Should().BeLessThanOrEqualTo(convergence[i - 1]);
        }

        convergence[^1].Should().BeApproximately(history.Min(), 1e-4, "the result is the best iterate the run measured");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void PghiStart_IsBitIdenticalAtAnyThreadCount(int threads)
    {
        float[] x = Signal("chirp");
        int frames = s_geometry.FrameCount(x.Length);
        float[] magnitudes = Magnitudes(x, frames);
        using var pool = new FramePool(s_geometry.FftSize, 16, threads, CancellationToken.None);

        float[] serial = PhaseGradientStart.Compute(magnitudes, frames, s_bins, s_geometry);
        float[] pooled = PhaseGradientStart.Compute(magnitudes, frames, s_bins, s_geometry, pool);

        pooled.Should().Equal(serial);
        serial.Should().Contain(v => v != 0f);
    }

    /// <summary>Through the converter (mel image -&gt; least-squares linear magnitudes -&gt; PGHI), judged in the mel domain.</summary>
    [Fact]
    public void ToAudio_PghiStart_BeatsRandomAtNoIterations_AndIsTheSameAtAnyThreadCount()
    {
        var converter = new SpectrogramConverter(SpectrogramParams.Riffusion);
        MelSpectrogram mel = converter.ToMel(new AudioClip(SampleRate, [Fade(Signal("sines"))], "sines"));
        var pghiOptions = new InversionOptions { Iterations = 0, PhaseInit = PhaseInit.Pghi };

        AudioClip pghi = converter.ToAudio(mel, pghiOptions);
        AudioClip oneThread = converter.ToAudio(mel, pghiOptions with { MaxDegreeOfParallelism = 1 });
        AudioClip random = converter.ToAudio(mel, new InversionOptions { Iterations = 0, PhaseInit = PhaseInit.Random });
        double pghiError = MelConvergence(converter, mel, pghi);
        double randomError = MelConvergence(converter, mel, random);

        output.WriteLine($"mel-domain SC at 0 iterations: PGHI {pghiError:0.0000}, random {randomError:0.0000}");
        oneThread.Channels[0].Should().Equal(pghi.Channels[0]);
        pghiError.Should().BeLessThan(randomError / 4);
    }

    [Fact]
    public void ToAudio_Default_IsPghi_AndTheSeedChangesNothing()
    {
        var converter = new SpectrogramConverter(SpectrogramParams.Riffusion);
        MelSpectrogram mel = converter.ToMel(new AudioClip(SampleRate, [Fade(Signal("chirp"))], "chirp"));

        AudioClip byDefault = converter.ToAudio(mel, new InversionOptions { Iterations = 4, Seed = 1 });
        AudioClip otherSeed = converter.ToAudio(mel, new InversionOptions { Iterations = 4, Seed = 2 });
        AudioClip pghi = converter.ToAudio(mel, new InversionOptions { Iterations = 4, PhaseInit = PhaseInit.Pghi });
        AudioClip random = converter.ToAudio(mel, new InversionOptions { Iterations = 4, Seed = 1, PhaseInit = PhaseInit.Random });

        new InversionOptions().PhaseInit.Should().Be(PhaseInit.Pghi);
        byDefault.Channels[0].Should().Equal(pghi.Channels[0]);
        otherSeed.Channels[0].Should().Equal(pghi.Channels[0]);
        random.Channels[0].Should().NotEqual(pghi.Channels[0]);
    }

    [Fact]
    public void PghiStart_SilenceGivesZeroSpectra()
    {
        float[] start = PhaseGradientStart.Compute(new float[10 * 8], 10, 8, s_geometry);

        start.Should().OnlyContain(v => v == 0f);
    }

    private static float[] Signal(string name)
    {
        int length = SampleRate * Seconds;
        var x = new float[length];
        for (int n = 0; n < length; n++)
        {
            double t = n / (double)SampleRate;
            x[n] = name switch
            {
                // 300 Hz to 3 kHz linearly over the second: phase 2 pi (f0 t + (f1 - f0) t^2 / 2).
                "chirp" => (float)(0.5 * Math.Sin(2 * Math.PI * ((300 * t) + (2700 * t * t / 2)))),
                _ => (float)((0.5 * Math.Sin(2 * Math.PI * 440 * t)) + (0.3 * Math.Sin((2 * Math.PI * 1234.5 * t) + 1)) + (0.2 * Math.Sin((2 * Math.PI * 3000 * t) + 2))),
            };
        }

        return x;
    }

    private static double MelConvergence(SpectrogramConverter converter, MelSpectrogram target, AudioClip audio)
    {
        float[] rebuilt = converter.ToMel(audio).Channels[0];
        float[] reference = target.Channels[0];
        double error = 0;
        double norm = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double d = reference[i] - rebuilt[i];
            error += d * d;
            norm += (double)reference[i] * reference[i];
        }

        return Math.Sqrt(error / norm);
    }

    private static float[] Fade(float[] x)
    {
        int fade = SampleRate / 10;
        for (int n = 0; n < fade; n++)
        {
            float gain = (float)(0.5 - 0.5 * Math.Cos(Math.PI * n / fade));
            x[n] *= gain;
            x[x.Length - 1 - n] *= gain;
        }

        return x;
    }

    private static float[] Invert(float[] magnitudes, int frames, int iterations, ReadOnlySpan<float> carried, bool keepBest = false)
    {
        using var pool = new FramePool(s_geometry.FftSize, s_bins * 2, 0, CancellationToken.None);
        var griffinLim = new GriffinLim(s_geometry, s_bins, pool);
        return griffinLim.Run(magnitudes, frames, iterations, 0.99, seed: 1, carried, frozenFrames: 0, finalSpectra: null, keepBest, inconsistency: default, CancellationToken.None);
    }

    /// <summary>|STFT(x)| [frame][bin &lt; s_bins], torch.stft framing.</summary>
    private static float[] Magnitudes(float[] x, int frames)
    {
        var magnitudes = new float[frames * s_bins];
        using RealFft fft = RealFft.Create(s_geometry.FftSize);
        for (int t = 0; t < frames; t++)
        {
            s_geometry.LoadWindowedFrame(x, t, fft);
            fft.Forward();
            ComplexKernels.Magnitudes(fft.Spectrum, magnitudes.AsSpan(t * s_bins, s_bins), 1f);
        }

        return magnitudes;
    }

    /// <summary>SC over frames [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static double SpectralConvergence(float[] target, float[] x, int frames, int from, int to)
    {
        s_geometry.FrameCount(x.Length).Should().Be(frames);
        float[] rebuilt = Magnitudes(x, frames);
        double error = 0;
        double norm = 0;
        for (int i = from * s_bins; i < to * s_bins; i++)
        {
            double d = target[i] - rebuilt[i];
            error += d * d;
            norm += (double)target[i] * target[i];
        }

        return Math.Sqrt(error / norm);
    }
}
