using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Dsp;

/// <summary>How reconstructed audio is levelled before it is written.</summary>
public enum Levelling
{
    /// <summary>
    /// Peak to -0.1 dBFS, where Riffusion's levelling ends, without its -12 dBFS RMS gain that hard-clips music whose
    /// crest factor exceeds 12 dB (most acoustic music, and transients that PGHI restores). The default.
    /// </summary>
    Peak,

    /// <summary>Riffusion's levelling exactly, clipping included (<see cref="OutputLevelling.ApplyRiffusion"/>).</summary>
    Riffusion,

    /// <summary>The reconstruction as it comes out of Griffin-Lim.</summary>
    Raw,
}

/// <summary>
/// Output levelling of reconstructed audio. <see cref="Levelling.Peak"/> scales so the largest sample is at -0.1 dBFS.
/// <see cref="Levelling.Riffusion"/> is Riffusion's, in 16-bit integer arithmetic as pydub/audioop do it:
/// (1) peak-normalise to 32767 and truncate to int16 (audio_from_waveform); (2) gain to -12 dBFS RMS with
/// saturation and floor (apply_gain, which clips peaks when the crest factor exceeds 12 dB); (3) peak-normalise to
/// -0.1 dBFS (effects.normalize(headroom=0.1)). Samples come back at full scale 1.0 (int16 / 32768).
/// </summary>
public static class OutputLevelling
{
    /// <summary>The help text of every <c>levelling</c> option and flag.</summary>
    public const string OptionDescription =
        "peak (largest sample at -0.1 dBFS; the default), riffusion (Riffusion's: RMS to -12 dBFS, which clips peaky music, then peak to -0.1 dBFS) or raw; per-image-max spectrograms only, absolute-scale ones keep their level.";

    private const double MaxPossibleAmplitude = 32768.0;

    /// <summary>Peak level of <see cref="Levelling.Peak"/> and of Riffusion's last step: -0.1 dBFS.</summary>
    public static readonly double PeakTarget = Math.Pow(10.0, -0.1 / 20.0);

    /// <summary>
    /// The levelling that applies to a spectrogram of <paramref name="scale"/>: an absolute-scale spectrogram keeps
    /// its level (<see cref="Levelling.Raw"/>), since rescaling to a target would undo it.
    /// </summary>
    public static Levelling For(Levelling requested, IntensityScale scale) =>
        scale == IntensityScale.PerImageMax ? requested : Levelling.Raw;

    /// <summary>Lower-case name of <paramref name="levelling"/> as options and manifests spell it.</summary>
    public static string Name(Levelling levelling) => levelling.ToString().ToLowerInvariant();

    /// <summary>Levels <paramref name="clip"/> as <paramref name="levelling"/> says (raw returns it unchanged).</summary>
    public static AudioClip Apply(AudioClip clip, Levelling levelling) => levelling switch
    {
        Levelling.Peak => ApplyPeak(clip),
        Levelling.Riffusion => ApplyRiffusion(clip),
        _ => clip,
    };

    /// <summary>Scales every channel by one gain so the largest sample magnitude is <see cref="PeakTarget"/>; silence stays silent.</summary>
    public static AudioClip ApplyPeak(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        float peak = 0;
        foreach (float[] channel in clip.Channels)
        {
            foreach (float v in channel)
            {
                peak = Math.Max(peak, Math.Abs(v));
            }
        }

        if (peak == 0)
        {
            return clip;
        }

        float gain = (float)(PeakTarget / peak);
        var output = new float[clip.ChannelCount][];
        for (int c = 0; c < output.Length; c++)
        {
            float[] source = clip.Channels[c];
            float[] target = new float[source.Length];
            for (int i = 0; i < source.Length; i++)
            {
                target[i] = source[i] * gain;
            }

            output[c] = target;
        }

        return new AudioClip(clip.SampleRate, output, clip.Name);
    }

    /// <summary>Applies the three Riffusion steps to every channel jointly (one gain for all channels).</summary>
    public static AudioClip ApplyRiffusion(AudioClip clip)
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
