using System.Numerics;

namespace SpectroFlow.TestKit.Audio;

/// <summary>Windowed-FFT measurements for asserting on audio: dominant frequency, spurious levels, RMS.</summary>
public static class SpectrumAnalyzer
{
    /// <summary>
    /// The frequency of the strongest spectral peak (Blackman-Harris window, parabolic interpolation between bins),
    /// measured on up to 65536 samples from the middle of <paramref name="samples"/>.
    /// </summary>
    public static double DominantFrequency(ReadOnlySpan<float> samples, int sampleRate)
    {
        double[] magnitude = MagnitudeSpectrum(samples, out int fftLength);
        int peak = 1;
        for (int k = 2; k < magnitude.Length - 1; k++)
        {
            if (magnitude[k] > magnitude[peak])
            {
                peak = k;
            }
        }

        double left = Math.Log(magnitude[peak - 1] + 1e-30);
        double centre = Math.Log(magnitude[peak] + 1e-30);
        double right = Math.Log(magnitude[peak + 1] + 1e-30);
        double denominator = left - (2 * centre) + right;
        double offset = denominator == 0 ? 0 : 0.5 * (left - right) / denominator;
        return (peak + offset) * sampleRate / fftLength;
    }

    /// <summary>
    /// The level (dB relative to the strongest peak) of the strongest spectral component farther than
    /// <paramref name="excludeHz"/> from that peak: the spurious/alias/noise floor of a pure tone.
    /// </summary>
    public static double SpuriousLevelDb(ReadOnlySpan<float> samples, int sampleRate, double excludeHz = 30)
    {
        double[] magnitude = MagnitudeSpectrum(samples, out int fftLength);
        int peak = 0;
        for (int k = 1; k < magnitude.Length; k++)
        {
            if (magnitude[k] > magnitude[peak])
            {
                peak = k;
            }
        }

        int exclude = (int)Math.Ceiling(excludeHz * fftLength / sampleRate);
        double worst = 0;
        for (int k = 0; k < magnitude.Length; k++)
        {
            if (Math.Abs(k - peak) > exclude)
            {
                worst = Math.Max(worst, magnitude[k]);
            }
        }

        return 20 * Math.Log10((worst + 1e-30) / magnitude[peak]);
    }

    /// <summary>Root-mean-square of <paramref name="samples"/>.</summary>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        double sum = 0;
        foreach (float sample in samples)
        {
            sum += (double)sample * sample;
        }

        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>20 log10(a / b).</summary>
    public static double RatioDb(double a, double b) => 20 * Math.Log10(a / b);

    /// <summary>Magnitudes of bins 0..N/2 of a Blackman-Harris-windowed FFT of the middle (up to 65536) samples.</summary>
    public static double[] MagnitudeSpectrum(ReadOnlySpan<float> samples, out int fftLength)
    {
        fftLength = 1;
        while (fftLength * 2 <= Math.Min(samples.Length, 65536))
        {
            fftLength *= 2;
        }

        int start = (samples.Length - fftLength) / 2;
        var buffer = new Complex[fftLength];
        for (int i = 0; i < fftLength; i++)
        {
            double x = 2 * Math.PI * i / (fftLength - 1);
            double window = 0.35875 - (0.48829 * Math.Cos(x)) + (0.14128 * Math.Cos(2 * x)) - (0.01168 * Math.Cos(3 * x));
            buffer[i] = new Complex(samples[start + i] * window, 0);
        }

        Fft(buffer);
        double[] magnitude = new double[(fftLength / 2) + 1];
        for (int k = 0; k < magnitude.Length; k++)
        {
            magnitude[k] = buffer[k].Magnitude;
        }

        return magnitude;
    }

    private static void Fft(Complex[] data)
    {
        int n = data.Length;
        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (int length = 2; length <= n; length <<= 1)
        {
            double angle = -2 * Math.PI / length;
            var unit = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int i = 0; i < n; i += length)
            {
                Complex w = Complex.One;
                for (int k = 0; k < length / 2; k++)
                {
                    Complex even = data[i + k];
                    Complex odd = data[i + k + (length / 2)] * w;
                    data[i + k] = even + odd;
                    data[i + k + (length / 2)] = even - odd;
                    w *= unit;
                }
            }
        }
    }
}
