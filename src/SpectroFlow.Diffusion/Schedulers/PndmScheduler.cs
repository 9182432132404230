namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// PNDM with skip_prk_steps (PLMS), Stable Diffusion's and Riffusion's default, with diffusers' semantics: N steps run
/// N + 1 UNet calls (the second timestep repeats for a Heun-like correction), noise predictions combined by linear
/// multistep (orders 1-4) and moved with PNDM's transfer (eq. 9). State is per image: make one instance per generation.
/// </summary>
public sealed class PndmScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly int _stride;
    private readonly List<float[]> _history = [];
    private float[]? _firstSample;
    private int _counter;

    /// <summary>Prepares <paramref name="steps"/> steps (leading spacing, steps_offset 1, as SD's config).</summary>
    public PndmScheduler(NoiseSchedule schedule, int steps, int stepsOffset = 1)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        _stride = schedule.TrainSteps / steps;
        int[] leading = [.. schedule.Timesteps(steps, TimestepSpacing.Leading, stepsOffset).Select(t => (int)t)];
        if (steps == 1)
        {
            Timesteps = leading;
            return;
        }

        // diffusers: ascending base[:-1] + base[-2:-1] + base[-1:], reversed: 981, 961, 961, 941 … 1 for 50 steps.
        var timesteps = new List<int>(steps + 1) { leading[0], leading[1] };
        timesteps.AddRange(leading.Skip(1));
        Timesteps = timesteps;
    }

    /// <summary>The UNet timesteps, descending (one more than the steps).</summary>
    public IReadOnlyList<int> Timesteps { get; }

    /// <summary>One step at UNet call <see cref="Timesteps"/>[k] = <paramref name="t"/>; <paramref name="sample"/> is updated in place.</summary>
    public void Step(ReadOnlySpan<float> epsilon, int t, Span<float> sample)
    {
        int previous = t - _stride;
        float[] combined;
        if (_counter == 1)
        {
            // The repeated timestep: average with the first prediction and redo the first move from the first sample.
            previous = t;
            t += _stride;
            float[] first = _history[^1];
            combined = new float[epsilon.Length];
            for (int i = 0; i < combined.Length; i++)
            {
                combined[i] = (epsilon[i] + first[i]) / 2;
            }

            _firstSample.AsSpan().CopyTo(sample);
        }
        else
        {
            _history.Add(epsilon.ToArray());
            if (_history.Count > 4)
            {
                _history.RemoveAt(0);
            }

            combined = Combine(_history);
            if (_counter == 0)
            {
                _firstSample = sample.ToArray();
            }
        }

        Transfer(combined, t, previous, sample);
        _counter++;
    }

    private static float[] Combine(List<float[]> e)
    {
        int n = e.Count;
        var result = new float[e[^1].Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = n switch
            {
                1 => e[0][i],
                2 => ((3 * e[1][i]) - e[0][i]) / 2,
                3 => ((23 * e[2][i]) - (16 * e[1][i]) + (5 * e[0][i])) / 12,
                _ => ((55 * e[3][i]) - (59 * e[2][i]) + (37 * e[1][i]) - (9 * e[0][i])) / 24,
            };
        }

        return result;
    }

    /// <summary>PNDM eq. 9: x_prev = √(ᾱp/ᾱt) x − (ᾱp − ᾱt) ε / (ᾱt √(1−ᾱp) + √(ᾱt (1−ᾱt) ᾱp)).</summary>
    private void Transfer(float[] epsilon, int t, int previous, Span<float> sample)
    {
        double alpha = _schedule.AlphasCumprod[t];
        double alphaPrevious = previous >= 0 ? _schedule.AlphasCumprod[previous] : _schedule.AlphasCumprod[0];
        double sampleCoefficient = Math.Sqrt(alphaPrevious / alpha);
        double denominator = (alpha * Math.Sqrt(1 - alphaPrevious)) + Math.Sqrt(alpha * (1 - alpha) * alphaPrevious);
        double epsilonCoefficient = (alphaPrevious - alpha) / denominator;
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = (float)((sampleCoefficient * sample[i]) - (epsilonCoefficient * epsilon[i]));
        }
    }
}
