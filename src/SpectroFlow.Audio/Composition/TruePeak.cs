namespace SpectroFlow.Audio.Composition;

/// <summary>
/// True peak (ITU-R BS.1770 style): the largest magnitude of the signal 4x oversampled with a windowed-sinc
/// interpolator, which catches the peaks between samples that a sample peak misses.
/// </summary>
public static class TruePeak
{
    /// <summary>The ceiling composed audio is kept under: -0.1 dBFS true peak.</summary>
    public const double Ceiling = 0.98855309465693886; // 10^(-0.1 / 20)

    private const int Oversampling = 4;
    private const int HalfTaps = 12;
    private static readonly float[][] s_phases = Phases();

    /// <summary>The largest absolute value of <paramref name="channels"/> at 4x the sample rate (never below the sample peak).</summary>
    public static double Measure(float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        double peak = 0;
        foreach (float[] x in channels)
        {
            for (int n = 0; n < x.Length; n++)
            {
                peak = Math.Max(peak, Math.Abs(x[n]));
                for (int p = 1; p < Oversampling; p++)
                {
                    float[] taps = s_phases[p];
                    double sum = 0;
                    for (int k = 0; k < taps.Length; k++)
                    {
                        int i = n - HalfTaps + 1 + k;
                        if ((uint)i < (uint)x.Length)
                        {
                            sum += taps[k] * x[i];
                        }
                    }

                    peak = Math.Max(peak, Math.Abs(sum));
                }
            }
        }

        return peak;
    }

    /// <summary>Scales <paramref name="channels"/> in place so the true peak is at most <see cref="Ceiling"/>; returns the gain used (1 when already below).</summary>
    public static double Limit(float[][] channels)
    {
        double peak = Measure(channels);
        if (peak <= Ceiling)
        {
            return 1.0;
        }

        float gain = (float)(Ceiling / peak);
        foreach (float[] x in channels)
        {
            for (int n = 0; n < x.Length; n++)
            {
                x[n] *= gain;
            }
        }

        return gain;
    }

    /// <summary>Polyphase Kaiser-windowed sinc taps: phase p interpolates at n + p/4 from samples n-11..n+12.</summary>
    private static float[][] Phases()
    {
        var phases = new float[Oversampling][];
        for (int p = 0; p < Oversampling; p++)
        {
            phases[p] = new float[2 * HalfTaps];
            double fraction = p / (double)Oversampling;
            for (int k = 0; k < 2 * HalfTaps; k++)
            {
                double t = k - HalfTaps + 1 - fraction; // distance from the interpolated point to sample n - 11 + k
                double sinc = Math.Abs(t) < 1e-12 ? 1 : Math.Sin(Math.PI * t) / (Math.PI * t);
                double x = t / (HalfTaps + 0.5);
                double window = Math.Abs(x) >= 1 ? 0 : BesselI0(8 * Math.Sqrt(1 - (x * x))) / BesselI0(8);
                phases[p][k] = (float)(sinc * window);
            }
        }

        return phases;
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1;
        for (int k = 1; k < 30; k++)
        {
            term *= x / (2 * k) * (x / (2 * k));
            sum += term;
        }

        return sum;
    }
}
