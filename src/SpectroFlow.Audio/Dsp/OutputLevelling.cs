using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// Riffusion's output levelling of reconstructed audio, in 16-bit integer arithmetic as pydub/audioop do it:
/// (1) peak-normalise to 32767 and truncate to int16 (audio_from_waveform); (2) gain to -12 dBFS RMS with
/// saturation and floor (apply_gain, which clips peaks when the crest factor exceeds 12 dB); (3) peak-normalise to
/// -0.1 dBFS (effects.normalize(headroom=0.1)). Samples come back at full scale 1.0 (int16 / 32768).
/// </summary>
public static class OutputLevelling
{
    private const double MaxPossibleAmplitude = 32768.0;

    /// <summary>Applies the three Riffusion steps to every channel jointly (one gain for all channels).</summary>
    public static AudioClip Apply(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int channels = clip.ChannelCount;
        int frames = clip.Frames;
        var pcm = new int[channels][];

        double peak = 0;
        foreach (float[] channel in clip.Channels)
        {
            foreach (float v in channel)
            {
                peak = Math.Max(peak, Math.Abs(v));
            }
        }

        double toInt16 = peak > 0 ? 32767.0 / peak : 0.0;
        for (int c = 0; c < channels; c++)
        {
            float[] source = clip.Channels[c];
            int[] target = new int[frames];
            for (int i = 0; i < frames; i++)
            {
                target[i] = (int)(source[i] * toInt16); // numpy astype(int16): truncation toward zero
            }

            pcm[c] = target;
        }

        // Step 2: audioop.rms is an integer over all interleaved samples.
        double sumSquares = 0;
        foreach (int[] channel in pcm)
        {
            foreach (int v in channel)
            {
                sumSquares += (double)v * v;
            }
        }

        long rms = (long)Math.Sqrt(sumSquares / Math.Max(1, channels * frames));
        if (rms > 0)
        {
            double dbfs = 20.0 * Math.Log10(rms / MaxPossibleAmplitude);
            MultiplySaturating(pcm, Math.Pow(10.0, (-12.0 - dbfs) / 20.0));
        }

        // Step 3: pydub normalize(headroom=0.1) -> apply_gain(ratio_to_db(target / peak)).
        int maxAbs = 0;
        foreach (int[] channel in pcm)
        {
            foreach (int v in channel)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(v));
            }
        }

        if (maxAbs > 0)
        {
            double target = MaxPossibleAmplitude * Math.Pow(10.0, -0.1 / 20.0);
            double gainDb = 20.0 * Math.Log10(target / maxAbs);
            MultiplySaturating(pcm, Math.Pow(10.0, gainDb / 20.0));
        }

        var output = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            float[] target = new float[frames];
            int[] source = pcm[c];
            for (int i = 0; i < frames; i++)
            {
                target[i] = source[i] / (float)MaxPossibleAmplitude;
            }

            output[c] = target;
        }

        return new AudioClip(clip.SampleRate, output, clip.Name);
    }

    // audioop.mul: multiply in double, clamp to the int16 range, then floor.
    private static void MultiplySaturating(int[][] pcm, double factor)
    {
        foreach (int[] channel in pcm)
        {
            for (int i = 0; i < channel.Length; i++)
            {
                double v = Math.Clamp(channel[i] * factor, -32768.0, 32767.0);
                channel[i] = (int)Math.Floor(v);
            }
        }
    }
}
