using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Composition;

/// <summary>Settings of <see cref="Crossfader"/>.</summary>
public sealed record CrossfadeSettings
{
    /// <summary>Overlap in whole beats when beat-aligned (shrunk to what both songs hold).</summary>
    public int Beats { get; init; } = 16;

    /// <summary>Overlap in seconds: the plain crossfade's length, or (when set) the beat-aligned one rounded to whole beats.</summary>
    public double? Seconds { get; init; }

    /// <summary>Align the songs' beats (false: a plain equal-power crossfade).</summary>
    public bool BeatAlign { get; init; } = true;

    /// <summary>The largest tempo change applied to B, as a ratio (0.04 = 4 %).</summary>
    public double StretchMax { get; init; } = 0.04;

    /// <summary>The plain crossfade's length when <see cref="Seconds"/> is not set.</summary>
    public const double DefaultPlainSeconds = 8;
}

/// <summary>What a crossfade did, for logs and tests.</summary>
/// <param name="Audio">The result.</param>
/// <param name="BeatAligned">True when the beats were aligned.</param>
/// <param name="FallbackReason">Why it fell back to a plain crossfade, or null.</param>
/// <param name="OverlapStart">First sample of the overlap in the output (= in A).</param>
/// <param name="OverlapLength">Samples of the overlap.</param>
/// <param name="StretchRatio">B's length change (1 = none).</param>
/// <param name="OverlapBeats">Beats in the overlap (0 for a plain crossfade).</param>
public sealed record CrossfadeResult(AudioClip Audio, bool BeatAligned, string? FallbackReason, long OverlapStart, long OverlapLength, double StretchRatio, int OverlapBeats);

/// <summary>
/// The original crossfade_audio_files, on the beat: the outgoing song A's last downbeat region meets the incoming song
/// B's first downbeat; B is time-stretched (WSOLA, pitch kept) to A's beat period when the tempos differ by up to
/// <see cref="CrossfadeSettings.StretchMax"/> (B's half or double tempo too), and placed so its beats land on A's across
/// the overlap; equal-power fades span whole beats; the result is kept under -0.1 dBFS true peak. B is first conformed to
/// A's sample rate, and both to the larger channel count. Output: A up to the overlap, the overlap, the rest of B:
/// exactly <c>D + (len(B') − S)</c> samples, D = A's overlap start, S = B's downbeat in the stretched B'.
/// </summary>
public static class Crossfader
{
    /// <summary>Crossfades <paramref name="a"/> into <paramref name="b"/> with their beat grids.</summary>
    public static CrossfadeResult Crossfade(AudioClip a, TempoEstimate tempoA, AudioClip b, TempoEstimate tempoB, CrossfadeSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(tempoA);
        ArgumentNullException.ThrowIfNull(tempoB);
        ArgumentNullException.ThrowIfNull(settings);
        bool stereo = a.ChannelCount > 1 || b.ChannelCount > 1;
        a = ChannelMixer.ToChannels(a, stereo);
        b = ChannelMixer.ToChannels(b.SampleRate == a.SampleRate ? b : Resampler.Resample(b, a.SampleRate), stereo);

        string? reason = !settings.BeatAlign ? "beat alignment is off"
            : !tempoA.HasBeat ? "no beat found in the outgoing song"
            : !tempoB.HasBeat ? "no beat found in the incoming song"
            : null;
        if (reason is null && Plan(a, tempoA, b, tempoB, settings, out reason) is { } plan)
        {
            return Aligned(a, b, plan, cancellationToken);
        }

        return Plain(a, b, settings, reason!);
    }

    private sealed record AlignmentPlan(double OverlapStartSeconds, double OverlapSeconds, double BDownbeatSeconds, double Ratio, int Beats);

    private static AlignmentPlan? Plan(AudioClip a, TempoEstimate tempoA, AudioClip b, TempoEstimate tempoB, CrossfadeSettings settings, out string? reason)
    {
        double periodA = MedianPeriod(tempoA.Beats);
        double periodB = MedianPeriod(tempoB.Beats);
        double bestRatio = double.NaN;
        foreach (double multiple in (double[])[1, 2, 0.5])
        {
            // B's beat period at B's tempo × multiple, stretched by ratio, becomes A's period.
            double ratio = periodA / (periodB / multiple);
            if (double.IsNaN(bestRatio) || Math.Abs(Math.Log(ratio)) < Math.Abs(Math.Log(bestRatio)))
            {
                bestRatio = ratio;
            }
        }

        if (Math.Abs(bestRatio - 1) > settings.StretchMax + 1e-9)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"the tempos ({60 / periodA:0.#} and {60 / periodB:0.#} bpm) differ by {Math.Abs(bestRatio - 1) * 100:0.#} %, more than stretch_max {settings.StretchMax * 100:0.#} %");
            return null;
        }

        IReadOnlyList<double> downbeatsA = tempoA.Downbeats.Count > 0 ? tempoA.Downbeats : tempoA.Beats;
        double bStart = (tempoB.Downbeats.Count > 0 ? tempoB.Downbeats : tempoB.Beats)[0];
        double lengthA = a.DurationSeconds;
        double lengthB = (b.DurationSeconds - bStart) * bestRatio;
        int wanted = settings.Seconds is { } seconds ? Math.Max(1, (int)Math.Round(seconds / periodA)) : settings.Beats;
        for (int beats = wanted; beats >= 1; beats = beats > 4 ? beats / 2 : beats - 1)
        {
            double overlap = beats * periodA;
            for (int i = downbeatsA.Count - 1; i >= 0; i--)
            {
                if (downbeatsA[i] + overlap <= lengthA + 1e-9 && overlap <= lengthB)
                {
                    reason = null;
                    return new AlignmentPlan(downbeatsA[i], overlap, bStart, bestRatio, beats);
                }
            }
        }

        reason = "the songs are too short for even one beat of overlap after the downbeats";
        return null;
    }

    private static CrossfadeResult Aligned(AudioClip a, AudioClip b, AlignmentPlan plan, CancellationToken cancellationToken)
    {
        int rate = a.SampleRate;
        float[][] stretched = TimeStretcher.Stretch(b.Channels, plan.Ratio, cancellationToken);
        long overlapStart = (long)Math.Round(plan.OverlapStartSeconds * rate);
        long overlap = (long)Math.Round(plan.OverlapSeconds * rate);
        long bStart = (long)Math.Round(plan.BDownbeatSeconds * plan.Ratio * rate);
        overlap = Math.Min(overlap, Math.Min(a.Frames - overlapStart, stretched[0].Length - bStart));
        float[][] output = Mix(a.Channels, overlapStart, stretched, bStart, overlap);
        TruePeak.Limit(output);
        return new CrossfadeResult(new AudioClip(rate, output, a.Name), true, null, overlapStart, overlap, plan.Ratio, plan.Beats);
    }

    private static CrossfadeResult Plain(AudioClip a, AudioClip b, CrossfadeSettings settings, string reason)
    {
        double seconds = settings.Seconds ?? CrossfadeSettings.DefaultPlainSeconds;
        long overlap = Math.Min((long)Math.Round(seconds * a.SampleRate), Math.Min(a.Frames, b.Frames));
        long overlapStart = a.Frames - overlap;
        float[][] output = Mix(a.Channels, overlapStart, b.Channels, 0, overlap);
        TruePeak.Limit(output);
        return new CrossfadeResult(new AudioClip(a.SampleRate, output, a.Name), false, reason, overlapStart, overlap, 1, 0);
    }

    /// <summary>A[0, D) then the equal-power overlap of A[D, D+O) with B[S, S+O), then B[S+O, end).</summary>
    private static float[][] Mix(float[][] a, long overlapStart, float[][] b, long bStart, long overlap)
    {
        long length = overlapStart + (b[0].Length - bStart);
        var output = new float[a.Length][];
        for (int c = 0; c < a.Length; c++)
        {
            float[] target = new float[length];
            a[c].AsSpan(0, (int)overlapStart).CopyTo(target);
            for (long n = 0; n < overlap; n++)
            {
                double x = (n + 0.5) / overlap;
                double fadeOut = Math.Cos(Math.PI / 2 * x);
                double fadeIn = Math.Sin(Math.PI / 2 * x);
                target[overlapStart + n] = (float)((fadeOut * a[c][overlapStart + n]) + (fadeIn * b[c][bStart + n]));
            }

            b[c].AsSpan((int)(bStart + overlap)).CopyTo(target.AsSpan((int)(overlapStart + overlap)));
            output[c] = target;
        }

        return output;
    }

    private static double MedianPeriod(IReadOnlyList<double> beats)
    {
        var periods = new double[beats.Count - 1];
        for (int i = 1; i < beats.Count; i++)
        {
            periods[i - 1] = beats[i] - beats[i - 1];
        }

        Array.Sort(periods);
        return periods.Length == 0 ? 0.5 : periods[periods.Length / 2];
    }
}
