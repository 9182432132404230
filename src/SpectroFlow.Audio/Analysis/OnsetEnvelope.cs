using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Analysis;

/// <summary>
/// Onset strength at about 200 frames per second: positive log-mel spectral flux summed in three bands
/// (low &lt; 200 Hz, mid, high &gt; 2 kHz), each band scaled to unit deviation so hats and kicks both count.
/// </summary>
internal sealed class OnsetEnvelope
{
    private const int MelBands = 48;
    private const double LowBandTopHz = 200;
    private const double HighBandBottomHz = 2000;

    private OnsetEnvelope(double framesPerSecond, float[] combined, float[] low, double rms)
    {
        FramesPerSecond = framesPerSecond;
        Combined = combined;
        Low = low;
        Rms = rms;
    }

    /// <summary>Envelope frames per second.</summary>
    public double FramesPerSecond { get; }

    /// <summary>All bands together, each band scaled to unit standard deviation.</summary>
    public float[] Combined { get; }

    /// <summary>The low band alone (kick and bass), unscaled.</summary>
    public float[] Low { get; }

    /// <summary>Root mean square of the mono mix.</summary>
    public double Rms { get; }

    /// <summary>Computes the envelope of <paramref name="clip"/> mixed to mono.</summary>
    public static OnsetEnvelope Compute(AudioClip clip, CancellationToken cancellationToken)
    {
        float[] mono = MixToMono(clip, out double rms);
        int rate = clip.SampleRate;
        int hop = Math.Max(1, (int)Math.Round(rate / 200.0));
        int frameLength = 1;
        while (frameLength < rate * 0.04)
        {
            frameLength <<= 1;
        }

        frameLength = Math.Max(frameLength, 64);
        int frames = Math.Max(0, ((mono.Length - frameLength) / hop) + 1);
        var combined = new float[frames];
        var low = new float[frames];
        if (frames < 2)
        {
            return new OnsetEnvelope((double)rate / hop, combined, low, rms);
        }

        (int[] bandStart, int[] bandCentre, int[] bandEnd, int[] group) = MelLayout(frameLength, rate);
        float[] window = new float[frameLength];
        for (int i = 0; i < frameLength; i++)
        {
            window[i] = (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * i / frameLength)));
        }

        using RealFft fft = RealFft.Create(frameLength);
        float[] magnitude = new float[fft.BinCount];
        float[] previous = new float[MelBands];
        float[] current = new float[MelBands];
        var flux = new float[3][];
        for (int g = 0; g < 3; g++)
        {
            flux[g] = new float[frames];
        }

        for (int f = 0; f < frames; f++)
        {
            if ((f & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Span<float> signal = fft.Signal;
            int start = f * hop;
            for (int i = 0; i < frameLength; i++)
            {
                signal[i] = mono[start + i] * window[i];
            }

            fft.Forward();
            Span<float> spectrum = fft.Spectrum;
            for (int k = 0; k < magnitude.Length; k++)
            {
                float re = spectrum[2 * k];
                float im = spectrum[(2 * k) + 1];
                magnitude[k] = MathF.Sqrt((re * re) + (im * im));
            }

            for (int m = 0; m < MelBands; m++)
            {
                double sum = 0;
                for (int k = bandStart[m]; k < bandEnd[m]; k++)
                {
                    double weight = k <= bandCentre[m]
                        ? (k - bandStart[m] + 1.0) / (bandCentre[m] - bandStart[m] + 1.0)
                        : (bandEnd[m] - k) / (double)(bandEnd[m] - bandCentre[m]);
                    sum += weight * magnitude[k];
                }

                current[m] = (float)Math.Log(1 + (100 * sum));
                if (f > 0)
                {
                    float rise = current[m] - previous[m];
                    if (rise > 0)
                    {
                        flux[group[m]][f] += rise;
                    }
                }
            }

            (previous, current) = (current, previous);
        }

        Array.Copy(flux[0], low, frames);
        for (int g = 0; g < 3; g++)
        {
            float[] band = flux[g];
            double mean = 0;
            for (int f = 0; f < frames; f++)
            {
                mean += band[f];
            }

            mean /= frames;
            double variance = 0;
            for (int f = 0; f < frames; f++)
            {
                variance += (band[f] - mean) * (band[f] - mean);
            }

            double deviation = Math.Sqrt(variance / frames);
            if (deviation < 1e-6)
            {
                continue;
            }

            for (int f = 0; f < frames; f++)
            {
                combined[f] += (float)(band[f] / deviation);
            }
        }

        return new OnsetEnvelope((double)rate / hop, combined, low, rms);
    }

    private static float[] MixToMono(AudioClip clip, out double rms)
    {
        int frames = clip.Frames;
        float[] mono = new float[frames];
        float scale = 1f / clip.ChannelCount;
        foreach (float[] channel in clip.Channels)
        {
            for (int i = 0; i < frames; i++)
            {
                mono[i] += channel[i] * scale;
            }
        }

        double energy = 0;
        for (int i = 0; i < frames; i++)
        {
            energy += mono[i] * mono[i];
        }

        rms = frames == 0 ? 0 : Math.Sqrt(energy / frames);
        return mono;
    }

    private static (int[] Start, int[] Centre, int[] End, int[] Group) MelLayout(int frameLength, int rate)
    {
        double topHz = Math.Min(11000, rate / 2.0);
        double lowMel = MelFilterBank.HzToMel(30);
        double highMel = MelFilterBank.HzToMel(topHz);
        int bins = (frameLength / 2) + 1;
        var start = new int[MelBands];
        var centre = new int[MelBands];
        var end = new int[MelBands];
        var group = new int[MelBands];
        for (int m = 0; m < MelBands; m++)
        {
            double left = MelFilterBank.MelToHz(lowMel + ((highMel - lowMel) * m / (MelBands + 1)));
            double middle = MelFilterBank.MelToHz(lowMel + ((highMel - lowMel) * (m + 1) / (MelBands + 1)));
            double right = MelFilterBank.MelToHz(lowMel + ((highMel - lowMel) * (m + 2) / (MelBands + 1)));
            start[m] = Math.Clamp((int)Math.Floor(left * frameLength / rate), 0, bins - 1);
            centre[m] = Math.Clamp((int)Math.Round(middle * frameLength / rate), start[m], bins - 1);
            end[m] = Math.Clamp((int)Math.Ceiling(right * frameLength / rate), centre[m] + 1, bins);
            group[m] = middle < LowBandTopHz ? 0 : middle < HighBandBottomHz ? 1 : 2;
        }

        return (start, centre, end, group);
    }
}
