using SpectroFlow.Core.Items;

namespace SpectroFlow.TestKit.Audio;

/// <summary>Drum grooves the synthetic material is built from.</summary>
public enum GrooveStyle
{
    /// <summary>Kick on every beat, open hats between.</summary>
    FourOnFloor,

    /// <summary>Kick on 1 and 3, snare on 2 and 4, straight 8th hats.</summary>
    RockBackbeat,

    /// <summary>Syncopated 16th kicks, ghost snares, 16th hats.</summary>
    Funk,

    /// <summary>Broken kick pattern with off-beat snares.</summary>
    Breakbeat,

    /// <summary>Backbeat with swung 8th hats (2:1).</summary>
    Swing,
}

/// <summary>A generated clip with its beat truth.</summary>
/// <param name="Clip">The audio.</param>
/// <param name="Bpm">The true tempo, or null for beatless material.</param>
/// <param name="Beats">The true beat times in seconds (empty when beatless).</param>
/// <param name="Description">What the clip is, for tables.</param>
public sealed record RhythmClip(AudioClip Clip, double? Bpm, IReadOnlyList<double> Beats, string Description);

/// <summary>Seeded synthetic drum material with known beats, and beatless material.</summary>
public static class RhythmGenerator
{
    private const int Rate = 44100;

    /// <summary>A groove at <paramref name="bpm"/>: synth kit chosen by seed, fills every 4th bar, bass, pad, noise, jitter.</summary>
    public static RhythmClip Groove(GrooveStyle style, double bpm, int seed, double seconds = 12, int sampleRate = Rate, bool pad = true)
    {
        var random = new Random(seed);
        int frames = (int)(seconds * sampleRate);
        float[] mix = new float[frames];
        double beat = 60 / bpm;
        double kickPitch = 45 + (random.NextDouble() * 25);
        double snarePitch = 160 + (random.NextDouble() * 120);
        double hatDecay = 0.02 + (random.NextDouble() * 0.04);
        double jitter = 0.004 + (random.NextDouble() * 0.004);
        double offset = random.NextDouble() * beat;
        var beats = new List<double>();
        int bars = (int)Math.Ceiling((seconds - offset) / (4 * beat)) + 1;
        for (int bar = 0; bar < bars; bar++)
        {
            bool fill = bar % 4 == 3;
            for (int sixteenth = 0; sixteenth < 16; sixteenth++)
            {
                double swingShift = style == GrooveStyle.Swing && sixteenth % 4 == 2 ? beat / 6 : 0;
                double time = offset + ((bar * 4 * beat) + (sixteenth * beat / 4) + swingShift);
                if (sixteenth % 4 == 0 && time < seconds)
                {
                    beats.Add(time);
                }

                double t = time + ((random.NextDouble() - 0.5) * 2 * jitter);
                if (fill && sixteenth >= 8)
                {
                    if (style != GrooveStyle.Swing || sixteenth % 2 == 0)
                    {
                        AddSnare(mix, sampleRate, t, snarePitch * (1 + ((sixteenth - 8) * 0.08)), 0.25 + (0.04 * (sixteenth - 8)), random);
                    }

                    if (sixteenth == 8)
                    {
                        AddKick(mix, sampleRate, t, kickPitch, 0.8);
                    }

                    continue;
                }

                (double kick, double snare, double hat) = Pattern(style, sixteenth, random);
                if (kick > 0)
                {
                    AddKick(mix, sampleRate, t, kickPitch, kick);
                }

                if (snare > 0)
                {
                    AddSnare(mix, sampleRate, t, snarePitch, snare, random);
                }

                if (hat > 0)
                {
                    AddHat(mix, sampleRate, t, hatDecay * (style == GrooveStyle.FourOnFloor && sixteenth % 4 == 2 ? 3 : 1), hat, random);
                }
            }

            double root = 55 * Math.Pow(2, random.Next(0, 7) / 12.0);
            for (int b = 0; b < 4; b += 2)
            {
                AddTone(mix, sampleRate, offset + (bar * 4 * beat) + (b * beat), beat * 1.6, root * (b == 2 ? 1.5 : 1), 0.15, 0.01);
            }

            if (pad)
            {
                double padRoot = 220 * Math.Pow(2, random.Next(0, 12) / 12.0);
                foreach (double ratio in (double[])[1, 1.26, 1.5])
                {
                    AddTone(mix, sampleRate, offset + (bar * 4 * beat) - (beat * 0.3), 4 * beat, padRoot * ratio, 0.05, 0.4);
                }
            }
        }

        AddNoise(mix, random, 0.01);
        Normalise(mix, 0.8);
        return new RhythmClip(Stereo(mix, sampleRate), bpm, beats, $"{style} {bpm:0.#} bpm seed {seed}");
    }

    /// <summary>Beatless material: silence, noise, sustained chords, speech-like formant bursts, sparse random hits.</summary>
    public static RhythmClip Beatless(int kind, int seed, double seconds = 12, int sampleRate = Rate)
    {
        var random = new Random(seed);
        int frames = (int)(seconds * sampleRate);
        float[] mix = new float[frames];
        string description;
        switch (kind % 5)
        {
            case 0:
                description = "silence";
                break;
            case 1:
                AddNoise(mix, random, 0.3);
                description = "noise";
                break;
            case 2:
                for (double start = 0; start < seconds; start += 3 + random.NextDouble())
                {
                    double root = 130 * Math.Pow(2, random.Next(0, 12) / 12.0);
                    foreach (double ratio in (double[])[1, 1.25, 1.5, 2])
                    {
                        AddTone(mix, sampleRate, start, 4.5, root * ratio, 0.1, 0.8);
                    }
                }

                description = "sustained chords";
                break;
            case 3:
                for (double start = 0.1; start < seconds; start += 0.12 + (random.NextDouble() * 0.35))
                {
                    AddSyllable(mix, sampleRate, start, 0.08 + (random.NextDouble() * 0.2), random);
                }

                description = "formant bursts";
                break;
            default:
                for (int i = 0; i < (int)(seconds * 0.8); i++)
                {
                    double t = random.NextDouble() * seconds;
                    if (random.Next(2) == 0)
                    {
                        AddKick(mix, sampleRate, t, 50 + (random.NextDouble() * 20), 0.8);
                    }
                    else
                    {
                        AddSnare(mix, sampleRate, t, 200, 0.6, random);
                    }
                }

                AddNoise(mix, random, 0.005);
                description = "sparse random hits";
                break;
        }

        Normalise(mix, 0.5);
        return new RhythmClip(Stereo(mix, sampleRate), null, [], $"{description} seed {seed}");
    }

    private static (double Kick, double Snare, double Hat) Pattern(GrooveStyle style, int s, Random random) => style switch
    {
        GrooveStyle.FourOnFloor => (s % 4 == 0 ? 1 : 0, s == 4 || s == 12 ? 0.6 : 0, s % 4 == 2 ? 0.35 : 0),
        GrooveStyle.RockBackbeat => (s is 0 or 8 or 10 ? 1 : 0, s is 4 or 12 ? 0.9 : 0, s % 2 == 0 ? 0.3 : 0),
        GrooveStyle.Funk => (s is 0 or 3 or 6 or 10 ? 0.9 : 0, s is 4 or 12 ? 0.9 : s is 7 or 9 or 15 ? 0.15 : 0, 0.12 + (s % 2 == 0 ? 0.12 : 0) + (random.NextDouble() * 0.05)),
        GrooveStyle.Breakbeat => (s is 0 or 10 or 11 ? 1 : 0, s is 4 or 12 or 7 ? (s == 7 ? 0.4 : 0.9) : 0, s % 2 == 0 ? 0.25 : 0),
        _ => (s is 0 or 8 ? 1 : 0, s is 4 or 12 ? 0.85 : 0, s % 2 == 0 && s % 4 != 1 ? 0.3 : 0),
    };

    private static void AddKick(float[] mix, int rate, double time, double pitch, double gain)
    {
        int start = (int)(time * rate);
        double phase = 0;
        for (int i = 0; i < (int)(0.3 * rate); i++)
        {
            int n = start + i;
            if (n < 0 || n >= mix.Length)
            {
                continue;
            }

            double t = (double)i / rate;
            phase += 2 * Math.PI * pitch * (1 + (2.5 * Math.Exp(-t * 40))) / rate;
            mix[n] += (float)(gain * Math.Exp(-t * 12) * Math.Sin(phase));
        }
    }

    private static void AddSnare(float[] mix, int rate, double time, double pitch, double gain, Random random)
    {
        int start = (int)(time * rate);
        for (int i = 0; i < (int)(0.2 * rate); i++)
        {
            int n = start + i;
            if (n < 0 || n >= mix.Length)
            {
                continue;
            }

            double t = (double)i / rate;
            double body = 0.5 * Math.Exp(-t * 30) * Math.Sin(2 * Math.PI * pitch * t);
            double rattle = Math.Exp(-t * 18) * ((random.NextDouble() * 2) - 1);
            mix[n] += (float)(gain * (body + (0.6 * rattle)));
        }
    }

    private static void AddHat(float[] mix, int rate, double time, double decay, double gain, Random random)
    {
        int start = (int)(time * rate);
        double previous = 0;
        for (int i = 0; i < (int)(decay * 5 * rate); i++)
        {
            int n = start + i;
            if (n < 0 || n >= mix.Length)
            {
                continue;
            }

            double white = (random.NextDouble() * 2) - 1;
            double high = white - previous;
            previous = white;
            mix[n] += (float)(gain * 0.5 * Math.Exp(-(double)i / rate / decay) * high);
        }
    }

    private static void AddTone(float[] mix, int rate, double time, double length, double frequency, double gain, double attack)
    {
        int start = (int)(time * rate);
        int count = (int)(length * rate);
        for (int i = 0; i < count; i++)
        {
            int n = start + i;
            if (n < 0 || n >= mix.Length)
            {
                continue;
            }

            double t = (double)i / rate;
            double envelope = Math.Min(1, t / Math.Max(attack, 1e-3)) * Math.Min(1, (length - t) / 0.1);
            mix[n] += (float)(gain * envelope * (Math.Sin(2 * Math.PI * frequency * t) + (0.3 * Math.Sin(4 * Math.PI * frequency * t))));
        }
    }

    private static void AddSyllable(float[] mix, int rate, double time, double length, Random random)
    {
        int start = (int)(time * rate);
        double pitch = 100 + (random.NextDouble() * 80);
        double formant1 = 300 + (random.NextDouble() * 500);
        double formant2 = 900 + (random.NextDouble() * 1500);
        int count = (int)(length * rate);
        for (int i = 0; i < count; i++)
        {
            int n = start + i;
            if (n >= mix.Length)
            {
                break;
            }

            double t = (double)i / rate;
            double envelope = Math.Sin(Math.PI * t / length);
            double voice = 0;
            for (int h = 1; h * pitch < 4000; h++)
            {
                double f = h * pitch;
                double weight = Math.Exp(-Math.Pow((f - formant1) / 150, 2)) + (0.5 * Math.Exp(-Math.Pow((f - formant2) / 250, 2)));
                voice += weight * Math.Sin(2 * Math.PI * f * t);
            }

            mix[n] += (float)(0.3 * envelope * voice);
        }
    }

    private static void AddNoise(float[] mix, Random random, double amplitude)
    {
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] += (float)(amplitude * ((random.NextDouble() * 2) - 1));
        }
    }

    private static void Normalise(float[] mix, double peak)
    {
        float max = 0;
        foreach (float v in mix)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        if (max <= 0)
        {
            return;
        }

        float scale = (float)(peak / max);
        for (int i = 0; i < mix.Length; i++)
        {
            mix[i] *= scale;
        }
    }

    private static AudioClip Stereo(float[] mix, int rate) => new(rate, [mix, (float[])mix.Clone()]);
}
