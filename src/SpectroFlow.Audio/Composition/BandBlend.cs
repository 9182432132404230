using System.Globalization;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Composition;

/// <summary>How a band moves from the first spectrogram to the second over its switch window.</summary>
public enum BlendCurve
{
    /// <summary>Smoothstep: 3p² − 2p³ (no sudden start or stop).</summary>
    Smooth,

    /// <summary>Straight line.</summary>
    Linear,
}

/// <summary>A frequency band in Hz, lower edge included.</summary>
/// <param name="LowHz">Lower edge.</param>
/// <param name="HighHz">Upper edge.</param>
public readonly record struct FrequencyBand(double LowHz, double HighHz)
{
    /// <summary>Parses <c>"0-300,300-2000,2000-10000"</c>: ascending, non-overlapping bands; null and a message when it is not.</summary>
    public static IReadOnlyList<FrequencyBand>? TryParseList(string text, out string? problem)
    {
        problem = null;
        var bands = new List<FrequencyBand>();
        foreach (string part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] edges = part.Split('-', StringSplitOptions.TrimEntries);
            if (edges.Length != 2
                || !double.TryParse(edges[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
                || !double.TryParse(edges[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double high)
                || !double.IsFinite(low) || !double.IsFinite(high) || low < 0 || high <= low)
            {
                problem = $"'{part}' is not a band LOW-HIGH in Hz with 0 <= LOW < HIGH (e.g. \"0-300,300-2000,2000-10000\")";
                return null;
            }

            if (bands.Count > 0 && low < bands[^1].HighHz)
            {
                problem = $"'{part}' overlaps or comes before the band before it; give bands in ascending order";
                return null;
            }

            bands.Add(new FrequencyBand(low, high));
        }

        if (bands.Count == 0)
        {
            problem = "give at least one band LOW-HIGH in Hz (e.g. \"0-300,300-2000,2000-10000\")";
            return null;
        }

        return bands;
    }
}

/// <summary>Settings of <see cref="BandBlend"/>.</summary>
public sealed record BandBlendSettings
{
    /// <summary>The bands, ascending; mel rows outside every band go with the nearest band.</summary>
    public required IReadOnlyList<FrequencyBand> Bands { get; init; }

    /// <summary>Rows over which neighbouring bands' weights are smoothed (a moving average across rows; 0 = hard edges).</summary>
    public int TransitionRows { get; init; } = 4;

    /// <summary>Fraction of the sequence (0..1] over which one band switches; the highest band starts first, the lowest last.</summary>
    public double SwitchWidth { get; init; } = 0.6;

    /// <summary>The curve each band follows inside its switch window.</summary>
    public BlendCurve Curve { get; init; } = BlendCurve.Smooth;
}

/// <summary>
/// The original interpolate_and_blend: two spectrograms split into frequency bands (Hz mapped to mel rows through the
/// spectrograms' own parameters), each band crossing from A to B on its own curve, lows later than highs. Frames mix
/// energies, <c>sqrt((1 - w) A² + w B²)</c> per mel value, so loudness stays level where a pixel-domain mix would dip
/// (see docs/decisions/2026-12-05-band-blend.md).
/// </summary>
public static class BandBlend
{
    /// <summary>The weight of B (0..1) per mel row (0 = lowest frequency) at position <paramref name="t"/> (0 = A, 1 = B).</summary>
    public static double[] RowWeights(SpectrogramParams parameters, int melBins, BandBlendSettings settings, double t)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(settings);
        int[] bandOfRow = BandOfRow(parameters, melBins, settings.Bands);
        int bandCount = settings.Bands.Count;
        var bandWeight = new double[bandCount];
        double width = Math.Clamp(settings.SwitchWidth, 1e-9, 1.0);
        for (int band = 0; band < bandCount; band++)
        {
            // The highest band starts at 0, the lowest at 1 - width: lows switch later than highs.
            double start = bandCount == 1 ? (1 - width) / 2 : (1 - width) * (bandCount - 1 - band) / (bandCount - 1);
            double progress = Math.Clamp((t - start) / width, 0, 1);
            bandWeight[band] = settings.Curve == BlendCurve.Smooth ? progress * progress * (3 - (2 * progress)) : progress;
        }

        var raw = new double[melBins];
        for (int row = 0; row < melBins; row++)
        {
            raw[row] = bandWeight[bandOfRow[row]];
        }

        if (settings.TransitionRows <= 1 || t <= 0 || t >= 1)
        {
            return raw;
        }

        // A centred moving average across rows softens each band edge over about TransitionRows rows.
        var smoothed = new double[melBins];
        int half = settings.TransitionRows / 2;
        for (int row = 0; row < melBins; row++)
        {
            int from = Math.Max(0, row - half);
            int to = Math.Min(melBins - 1, row - half + settings.TransitionRows - 1);
            double sum = 0;
            for (int k = from; k <= to; k++)
            {
                sum += raw[k];
            }

            smoothed[row] = sum / (to - from + 1);
        }

        return smoothed;
    }

    /// <summary>
    /// The band each mel row belongs to: the band holding its centre frequency, or the nearest band for rows between or
    /// outside the bands.
    /// </summary>
    public static int[] BandOfRow(SpectrogramParams parameters, int melBins, IReadOnlyList<FrequencyBand> bands)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(bands);
        double melMin = MelFilterBank.HzToMel(parameters.MinFrequency);
        double melMax = MelFilterBank.HzToMel(parameters.MaxFrequency);
        var result = new int[melBins];
        for (int row = 0; row < melBins; row++)
        {
            double centre = MelFilterBank.MelToHz(melMin + ((melMax - melMin) * (row + 1) / (melBins + 1)));
            int best = 0;
            double bestDistance = double.MaxValue;
            for (int band = 0; band < bands.Count; band++)
            {
                double distance = centre < bands[band].LowHz ? bands[band].LowHz - centre : centre >= bands[band].HighHz ? centre - bands[band].HighHz : 0;
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = band;
                }
            }

            result[row] = best;
        }

        return result;
    }

    /// <summary>
    /// One frame at position <paramref name="t"/>: <paramref name="a"/> scaled by <paramref name="gainA"/> and
    /// <paramref name="b"/> by <paramref name="gainB"/> (their true levels), mixed per row; the shorter width is kept.
    /// </summary>
    public static MelSpectrogram Frame(MelSpectrogram a, double gainA, MelSpectrogram b, double gainB, BandBlendSettings settings, double t)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int rows = a.MelBins;
        int frames = Math.Min(a.Frames, b.Frames);
        double[] weights = RowWeights(a.Parameters, rows, settings, t);
        var channels = new float[a.ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            float[] x = a.Channels[c];
            float[] y = b.Channels[c];
            var mixed = new float[rows * frames];
            for (int row = 0; row < rows; row++)
            {
                double w = weights[row];
                double wa = (1 - w) * gainA * gainA;
                double wb = w * gainB * gainB;
                int sourceA = row * a.Frames;
                int sourceB = row * b.Frames;
                int target = row * frames;
                for (int f = 0; f < frames; f++)
                {
                    double va = x[sourceA + f];
                    double vb = y[sourceB + f];
                    mixed[target + f] = (float)Math.Sqrt((wa * va * va) + (wb * vb * vb));
                }
            }

            channels[c] = mixed;
        }

        return new MelSpectrogram(a.Parameters, rows, frames, channels);
    }

    /// <summary>Fails, naming both items, when <paramref name="a"/> and <paramref name="b"/> cannot be blended.</summary>
    public static void EnsureBlendable(MelSpectrogram a, string nameA, MelSpectrogram b, string nameB)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.MelBins != b.MelBins)
        {
            throw new SpectroFlowException($"{nameB}: is {b.MelBins} px high but {nameA} is {a.MelBins}; images blended together must have the same height");
        }

        if (b.Parameters.DifferenceFrom(a.Parameters) is { } difference)
        {
            throw new SpectroFlowException($"{nameB}: its spectrogram parameters differ from {nameA}'s ({difference}); images blended together must have the same");
        }
    }
}
