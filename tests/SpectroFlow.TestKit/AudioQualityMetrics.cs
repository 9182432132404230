using MathNet.Numerics.IntegralTransforms;
using SpectroFlow.Core.Items;

namespace SpectroFlow.TestKit;

/// <summary>Result of comparing a reconstruction with its reference (see <see cref="AudioQualityMetrics"/>).</summary>
public sealed record AudioComparison(
    int LagSamples,
    int ComparedSamples,
    int Frames,
    double SpectralConvergence,
    double SpectralConvergenceGainMatched,
    double LogSpectralDistanceDb,
    double DurationDifferenceSeconds)
{
    /// <summary>Gain-matched spectral convergence over the bins at or below 10 kHz (metrics.py's band_0_10k, the headline figure).</summary>
    public double BandSpectralConvergenceGainMatched { get; init; }

    /// <summary>Gain-matched log-spectral distance (dB) over the bins at or below 10 kHz (metrics.py's band_0_10k).</summary>
    public double BandLogSpectralDistanceDbGainMatched { get; init; }
}

/// <summary>
/// The "recon" metrics of ../shared/tools/metrics.py, implemented the same way: both signals mixed to mono (mean of
/// channels); TEST shifted by the lag in ±max_lag maximising |cross-correlation|; 2048-point periodic-Hann STFT with
/// hop 512 over frames wholly inside the overlap; spectral convergence = ||S_ref - S_test||_F / ||S_ref||_F, the
/// gain-matched variant scales S_test by &lt;S_ref,S_test&gt;/&lt;S_test,S_test&gt; first; log-spectral distance with a
/// floor of 1e-5 * max|S_ref|.
/// </summary>
public static class AudioQualityMetrics
{
    private const int FftSize = 2048;
    private const int Hop = 512;
    private const double BandHz = 10000.0;

    /// <summary>Compares <paramref name="test"/> against <paramref name="reference"/> (same sample rate required).</summary>
    public static AudioComparison Compare(AudioClip reference, AudioClip test, double maxLagMs = 50)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(test);
        if (reference.SampleRate != test.SampleRate)
        {
            throw new ArgumentException("sample rates differ");
        }

        double[] r = Mono(reference);
        double[] t = Mono(test);
        int maxLag = (int)Math.Round(maxLagMs * reference.SampleRate / 1000.0);
        int lag = BestLag(r, t, maxLag);
        ReadOnlySpan<double> tAligned = lag >= 0 ? t.AsSpan(lag) : t;
        ReadOnlySpan<double> rAligned = lag >= 0 ? r : r.AsSpan(-lag);
        int n = Math.Min(tAligned.Length, rAligned.Length);
        double[][] sr = Stft(rAligned[..n]);
        double[][] st = Stft(tAligned[..n]);

        double gain = Gain(sr, st);
        int bandBins = (int)Math.Floor(BandHz * FftSize / reference.SampleRate) + 1;
        double[][] bandReference = Truncate(sr, bandBins);
        double[][] bandTest = Truncate(st, bandBins);
        double bandGain = Gain(bandReference, bandTest);
        return new AudioComparison(
            lag,
            n,
            sr.Length,
            Convergence(sr, st, 1.0),
            Convergence(sr, st, gain),
            LogSpectralDistance(sr, st),
            test.DurationSeconds - reference.DurationSeconds)
        {
            BandSpectralConvergenceGainMatched = Convergence(bandReference, bandTest, bandGain),
            BandLogSpectralDistanceDbGainMatched = LogSpectralDistance(bandReference, Scale(bandTest, bandGain)),
        };
    }

    private static double Gain(double[][] reference, double[][] test)
    {
        double dot = 0, testEnergy = 0;
        for (int f = 0; f < reference.Length; f++)
        {
            for (int k = 0; k < reference[f].Length; k++)
            {
                dot += reference[f][k] * test[f][k];
                testEnergy += test[f][k] * test[f][k];
            }
        }

        return testEnergy > 0 ? dot / testEnergy : 1.0;
    }

    private static double[][] Truncate(double[][] frames, int bins)
    {
        var result = new double[frames.Length][];
        for (int f = 0; f < frames.Length; f++)
        {
            result[f] = frames[f][..Math.Min(bins, frames[f].Length)];
        }

        return result;
    }

    private static double[][] Scale(double[][] frames, double gain)
    {
        var result = new double[frames.Length][];
        for (int f = 0; f < frames.Length; f++)
        {
            result[f] = new double[frames[f].Length];
            for (int k = 0; k < frames[f].Length; k++)
            {
                result[f][k] = frames[f][k] * gain;
            }
        }

        return result;
    }

    private static double[] Mono(AudioClip clip)
    {
        var mono = new double[clip.Frames];
        foreach (float[] channel in clip.Channels)
        {
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] += channel[i];
            }
        }

        for (int i = 0; i < mono.Length; i++)
        {
            mono[i] /= clip.ChannelCount;
        }

        return mono;
    }

    // Lag L maximising |sum_n ref[n] * test[n + L]|, by FFT cross-correlation.
    private static int BestLag(double[] reference, double[] test, int maxLag)
    {
        int size = 1;
        while (size < reference.Length + test.Length)
        {
            size <<= 1;
        }

        var a = new System.Numerics.Complex[size];
        var b = new System.Numerics.Complex[size];
        for (int i = 0; i < reference.Length; i++)
        {
            a[i] = reference[i];
        }

        for (int i = 0; i < test.Length; i++)
        {
            b[i] = test[i];
        }

        Fourier.Forward(a, FourierOptions.NoScaling);
        Fourier.Forward(b, FourierOptions.NoScaling);
        for (int i = 0; i < size; i++)
        {
            b[i] *= System.Numerics.Complex.Conjugate(a[i]);
        }

        Fourier.Inverse(b, FourierOptions.NoScaling);
        int best = 0;
        double bestValue = -1;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double v = Math.Abs(b[(lag + size) % size].Real);
            if (v > bestValue)
            {
                bestValue = v;
                best = lag;
            }
        }

        return best;
    }

    private static double[][] Stft(ReadOnlySpan<double> x)
    {
        double[] padded = x.Length < FftSize ? [.. x, .. new double[FftSize - x.Length]] : x.ToArray();
        int frames = 1 + (padded.Length - FftSize) / Hop;
        var window = new double[FftSize];
        for (int i = 0; i < FftSize; i++)
        {
            window[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / FftSize);
        }

        var result = new double[frames][];
        var buffer = new System.Numerics.Complex[FftSize];
        for (int f = 0; f < frames; f++)
        {
            for (int i = 0; i < FftSize; i++)
            {
                buffer[i] = padded[f * Hop + i] * window[i];
            }

            Fourier.Forward(buffer, FourierOptions.NoScaling);
            var magnitudes = new double[FftSize / 2 + 1];
            for (int k = 0; k < magnitudes.Length; k++)
            {
                magnitudes[k] = buffer[k].Magnitude;
            }

            result[f] = magnitudes;
        }

        return result;
    }

    private static double Convergence(double[][] reference, double[][] test, double gain)
    {
        double difference = 0, norm = 0;
        for (int f = 0; f < reference.Length; f++)
        {
            for (int k = 0; k < reference[f].Length; k++)
            {
                double d = reference[f][k] - gain * test[f][k];
                difference += d * d;
                norm += reference[f][k] * reference[f][k];
            }
        }

        return norm > 0 ? Math.Sqrt(difference / norm) : double.NaN;
    }

    private static double LogSpectralDistance(double[][] reference, double[][] test)
    {
        double max = 0;
        foreach (double[] frame in reference)
        {
            foreach (double v in frame)
            {
                max = Math.Max(max, v);
            }
        }

        double floor = max > 0 ? 1e-5 * max : 1e-12;
        double total = 0;
        for (int f = 0; f < reference.Length; f++)
        {
            double sum = 0;
            for (int k = 0; k < reference[f].Length; k++)
            {
                double d = 20 * Math.Log10(reference[f][k] + floor) - 20 * Math.Log10(test[f][k] + floor);
                sum += d * d;
            }

            total += Math.Sqrt(sum / reference[f].Length);
        }

        return reference.Length > 0 ? total / reference.Length : double.NaN;
    }
}
