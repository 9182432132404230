using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Composition;

/// <summary>What a loop did, for logs and tests.</summary>
/// <param name="Audio">The repeats, exactly <c>Repeats × LoopLength</c> samples.</param>
/// <param name="LoopStart">First sample of the loop in the source.</param>
/// <param name="LoopLength">Samples per repeat.</param>
/// <param name="Bars">Bars per repeat (0 when no beat was found and the whole clip loops).</param>
public sealed record LoopResult(AudioClip Audio, long LoopStart, long LoopLength, int Bars);

/// <summary>
/// A beat-aligned loop: from the first downbeat, the longest whole number of bars (16, 8, 4, 2 or 1, or as asked) that
/// fits with the seam's crossfade after it; the loop's first <c>seam</c> samples are crossfaded (equal power) with what
/// follows its end, so each repeat flows into the next without a click. Without a beat the whole clip loops.
/// </summary>
public static class Looper
{
    private const int BeatsPerBar = 4;

    /// <summary>Loops <paramref name="clip"/> <paramref name="repeats"/> times.</summary>
    /// <param name="clip">The audio.</param>
    /// <param name="tempo">Its beat grid.</param>
    /// <param name="repeats">Repeats (1 or more).</param>
    /// <param name="bars">Bars per repeat, 0 for the longest of 16/8/4/2/1 that fits.</param>
    /// <param name="seamMs">The seam's crossfade in ms.</param>
    public static LoopResult Loop(AudioClip clip, TempoEstimate tempo, int repeats, int bars, double seamMs)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentNullException.ThrowIfNull(tempo);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        long seam = (long)Math.Round(seamMs * clip.SampleRate / 1000);
        long start;
        long length;
        int chosenBars = 0;
        if (tempo.HasBeat)
        {
            double period = 60.0 / tempo.Bpm!.Value;
            double first = tempo.Downbeats.Count > 0 ? tempo.Downbeats[0] : tempo.Beats[0];
            start = (long)Math.Round(first * clip.SampleRate);
            length = 0;
            foreach (int candidate in bars > 0 ? [bars] : (int[])[16, 8, 4, 2, 1])
            {
                long samples = (long)Math.Round(candidate * BeatsPerBar * period * clip.SampleRate);
                if (start + samples + seam <= clip.Frames)
                {
                    length = samples;
                    chosenBars = candidate;
                    break;
                }
            }

            if (length == 0)
            {
                throw new SpectroFlowException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{clip.Name}: too short for a loop of {(bars > 0 ? bars : 1)} bar(s) at {tempo.Bpm:0.#} bpm from the first downbeat at {first:0.000} s"));
            }
        }
        else
        {
            start = 0;
            length = clip.Frames - seam;
            if (length <= seam)
            {
                throw new SpectroFlowException($"{clip.Name}: too short to loop with a {seamMs.ToString(CultureInfo.InvariantCulture)} ms seam");
            }
        }

        var output = new float[clip.ChannelCount][];
        for (int c = 0; c < clip.ChannelCount; c++)
        {
            float[] source = clip.Channels[c];
            var body = new float[length];
            source.AsSpan((int)start, (int)length).CopyTo(body);
            for (long n = 0; n < seam; n++)
            {
                // The loop's start fades in while what followed its end fades out: repeat k's end meets repeat k+1's start.
                double x = (n + 0.5) / seam;
                body[n] = (float)((Math.Sin(Math.PI / 2 * x) * source[start + n]) + (Math.Cos(Math.PI / 2 * x) * source[start + length + n]));
            }

            var target = new float[checked(length * repeats)];
            for (int r = 0; r < repeats; r++)
            {
                body.AsSpan().CopyTo(target.AsSpan((int)(r * length)));
            }

            output[c] = target;
        }

        TruePeak.Limit(output);
        return new LoopResult(new AudioClip(clip.SampleRate, output, clip.Name), start, length, chosenBars);
    }
}
