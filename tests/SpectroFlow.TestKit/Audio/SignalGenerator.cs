using SpectroFlow.Core.Items;

namespace SpectroFlow.TestKit.Audio;

/// <summary>Deterministic test signals.</summary>
public static class SignalGenerator
{
    /// <summary>A sine of <paramref name="frequency"/> Hz: amplitude * sin(2 pi f n / rate + phase).</summary>
    public static float[] Sine(double frequency, int sampleRate, int frames, double amplitude = 0.5, double phase = 0)
    {
        float[] samples = new float[frames];
        double step = 2 * Math.PI * frequency / sampleRate;
        for (int i = 0; i < frames; i++)
        {
            samples[i] = (float)(amplitude * Math.Sin((step * i) + phase));
        }

        return samples;
    }

    /// <summary>Uniform white noise in [-amplitude, amplitude) from a seeded generator.</summary>
    public static float[] Noise(int frames, int seed, double amplitude = 0.5)
    {
        var random = new Random(seed);
        float[] samples = new float[frames];
        for (int i = 0; i < frames; i++)
        {
            samples[i] = (float)(amplitude * ((random.NextDouble() * 2) - 1));
        }

        return samples;
    }

    /// <summary>All zeros.</summary>
    public static float[] Silence(int frames) => new float[frames];

    /// <summary>A clip with one sine per channel, at the given frequencies.</summary>
    public static AudioClip SineClip(int sampleRate, double seconds, double amplitude, params double[] channelFrequencies)
    {
        int frames = (int)Math.Round(seconds * sampleRate);
        float[][] channels = new float[channelFrequencies.Length][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = Sine(channelFrequencies[c], sampleRate, frames, amplitude);
        }

        return new AudioClip(sampleRate, channels, "sine");
    }
}
