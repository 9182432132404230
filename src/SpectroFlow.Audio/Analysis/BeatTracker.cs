using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Analysis;

/// <summary>
/// Finds the tempo, beats and downbeats of audio: multi-band log-mel flux onset envelope, tempo from its
/// autocorrelation with harmonic summation and a log-normal prior around 120 BPM, Ellis (2007) dynamic-programming
/// beat tracking, and a confidence from periodicity and beat-onset agreement (below a threshold: no beat).
/// </summary>
/// <param name="minBpm">The slowest tempo reported.</param>
/// <param name="maxBpm">The fastest tempo reported.</param>
public sealed class BeatTracker(double minBpm = 60, double maxBpm = 180)
{
    private const double Tightness = 100;
    private const double PriorCentreBpm = 120;
    private const double PriorOctaves = 1.0;
    private const double SilenceRms = 1e-4;
    private const double MinimumSeconds = 2.5;

    /// <summary>Confidence below which the result is <see cref="TempoEstimate.None"/>.</summary>
    public const double NoBeatThreshold = 0.3;

    /// <summary>Analyses <paramref name="clip"/> (any rate and channel count).</summary>
    public TempoEstimate Analyze(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (!(minBpm > 0 && minBpm < maxBpm))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), $"Tempo range {minBpm}-{maxBpm} BPM is empty.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (clip.DurationSeconds < MinimumSeconds)
        {
            return TempoEstimate.None;
        }

        OnsetEnvelope envelope = OnsetEnvelope.Compute(clip, cancellationToken);
        if (envelope.Rms < SilenceRms)
        {
            return TempoEstimate.None;
        }

        double fps = envelope.FramesPerSecond;
        float[] onset = Normalise(envelope.Combined);
        double[] autocorrelation = Autocorrelate(onset, (int)Math.Ceiling(fps * 60 / minBpm * 2) + 2);
        if (autocorrelation[0] <= 0)
        {
            return TempoEstimate.None;
        }

        (double period, double periodicity) = BestPeriod(autocorrelation, fps);
        cancellationToken.ThrowIfCancellationRequested();
        int[] beatFrames = TrackBeats(onset, period);
        if (beatFrames.Length < 4)
        {
            return TempoEstimate.None;
        }

        double alignment = BeatAlignment(onset, beatFrames);
        // Both must hold: noise, speech and random hits lack periodicity; sustained chords lack sharp onsets on the beats.
        double periodic = Math.Clamp((periodicity - 0.25) / 0.35, 0, 1);
        double aligned = Math.Clamp((alignment - 3.2) / 2.3, 0, 1);
        double confidence = Math.Sqrt(periodic * aligned);
        if (confidence < NoBeatThreshold)
        {
            return TempoEstimate.None;
        }

        double bpm = RefineBpm(beatFrames, fps, period);
        var beats = new double[beatFrames.Length];
        for (int i = 0; i < beats.Length; i++)
        {
            beats[i] = Math.Round(beatFrames[i] / fps, 4);
        }

        return new TempoEstimate(Math.Round(bpm, 2), Math.Round(confidence, 3), beats, Downbeats(envelope.Low, beatFrames, beats));
    }

    private static float[] Normalise(float[] values)
    {
        double mean = 0;
        foreach (float v in values)
        {
            mean += v;
        }

        mean /= Math.Max(1, values.Length);
        double variance = 0;
        foreach (float v in values)
        {
            variance += (v - mean) * (v - mean);
        }

        double deviation = Math.Sqrt(variance / Math.Max(1, values.Length));
        var result = new float[values.Length];
        if (deviation < 1e-9)
        {
            return result;
        }

        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)((values[i] - mean) / deviation);
        }

        return result;
    }

    private static double[] Autocorrelate(float[] onset, int maxLag)
    {
        maxLag = Math.Min(maxLag, onset.Length - 1);
        var result = new double[Math.Max(1, maxLag + 1)];
        for (int lag = 0; lag <= maxLag; lag++)
        {
            double sum = 0;
            for (int i = lag; i < onset.Length; i++)
            {
                sum += onset[i] * onset[i - lag];
            }

            result[lag] = sum / (onset.Length - lag);
        }

        return result;
    }

    private static double At(double[] values, double position)
    {
        if (position < 0 || position > values.Length - 1)
        {
            return 0;
        }

        int index = (int)position;
        double fraction = position - index;
        return index + 1 < values.Length ? (values[index] * (1 - fraction)) + (values[index + 1] * fraction) : values[index];
    }

    private static double Peak(double[] values, double position) =>
        Math.Max(At(values, position), Math.Max(At(values, position - 1), At(values, position + 1)));

    private (double Period, double Periodicity) BestPeriod(double[] autocorrelation, double fps)
    {
        double zero = autocorrelation[0];
        double bestScore = double.NegativeInfinity;
        double bestPeriod = fps * 60 / PriorCentreBpm;
        for (double bpm = minBpm; bpm <= maxBpm; bpm += 0.25)
        {
            double lag = fps * 60 / bpm;
            double harmonic = Peak(autocorrelation, lag) + (0.5 * Peak(autocorrelation, 2 * lag))
                + (0.25 * Peak(autocorrelation, lag / 2)) + (0.25 * Peak(autocorrelation, 4 * lag));
            double octaves = Math.Log2(bpm / PriorCentreBpm) / PriorOctaves;
            double score = harmonic / zero * Math.Exp(-0.5 * octaves * octaves);
            if (score > bestScore)
            {
                bestScore = score;
                bestPeriod = lag;
            }
        }

        double periodicity = Math.Max(0, Peak(autocorrelation, bestPeriod) / zero);
        return (bestPeriod, periodicity);
    }

    private static int[] TrackBeats(float[] onset, double period)
    {
        int length = onset.Length;
        var score = new double[length];
        var backlink = new int[length];
        int earliest = (int)Math.Round(period * 2);
        int latest = Math.Max(1, (int)Math.Round(period / 2));
        for (int t = 0; t < length; t++)
        {
            double best = 0;
            int from = -1;
            for (int previous = t - earliest; previous <= t - latest; previous++)
            {
                if (previous < 0)
                {
                    continue;
                }

                double ratio = Math.Log((t - previous) / period);
                double candidate = score[previous] - (Tightness * ratio * ratio);
                if (from < 0 || candidate > best)
                {
                    best = candidate;
                    from = previous;
                }
            }

            score[t] = onset[t] + (from >= 0 ? Math.Max(0, best) : 0);
            backlink[t] = from >= 0 && best > 0 ? from : -1;
        }

        int end = length - 1;
        double endScore = double.NegativeInfinity;
        for (int t = Math.Max(0, length - (int)Math.Ceiling(period)); t < length; t++)
        {
            if (score[t] > endScore)
            {
                endScore = score[t];
                end = t;
            }
        }

        var beats = new List<int>();
        for (int t = end; t >= 0; t = backlink[t])
        {
            beats.Add(t);
        }

        beats.Reverse();
        return [.. beats];
    }

    private static double BeatAlignment(float[] onset, int[] beatFrames)
    {
        double onBeats = 0;
        foreach (int frame in beatFrames)
        {
            onBeats += onset[frame];
        }

        // The onset is normalised to zero mean and unit deviation: the mean on beats counts deviations above average.
        return onBeats / beatFrames.Length;
    }

    private static double RefineBpm(int[] beatFrames, double fps, double period)
    {
        int count = beatFrames.Length;
        double meanIndex = (count - 1) / 2.0;
        double meanFrame = 0;
        foreach (int frame in beatFrames)
        {
            meanFrame += frame;
        }

        meanFrame /= count;
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < count; i++)
        {
            covariance += (i - meanIndex) * (beatFrames[i] - meanFrame);
            variance += (i - meanIndex) * (i - meanIndex);
        }

        double slope = variance > 0 ? covariance / variance : period;
        if (slope < period * 0.9 || slope > period * 1.1)
        {
            slope = period;
        }

        return fps * 60 / slope;
    }

    private static double[] Downbeats(float[] low, int[] beatFrames, double[] beats)
    {
        var energy = new double[4];
        for (int i = 0; i < beatFrames.Length; i++)
        {
            int frame = beatFrames[i];
            double peak = 0;
            for (int t = Math.Max(0, frame - 3); t <= Math.Min(low.Length - 1, frame + 3); t++)
            {
                peak = Math.Max(peak, low[t]);
            }

            energy[i % 4] += peak;
        }

        int phase = 0;
        for (int p = 1; p < 4; p++)
        {
            if (energy[p] > energy[phase])
            {
                phase = p;
            }
        }

        var downbeats = new List<double>();
        for (int i = phase; i < beats.Length; i += 4)
        {
            downbeats.Add(beats[i]);
        }

        return [.. downbeats];
    }
}
