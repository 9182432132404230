namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// DDIM (Song et al. 2020) with diffusers' semantics for SD 1.x (set_alpha_to_one false, clip_sample false):
/// x̂0 = (x − √(1−ᾱ_t) ε)/√ᾱ_t, then x_prev = √ᾱ_prev x̂0 + √(1 − ᾱ_prev − s²) ε + s z with s = η √var.
/// </summary>
public sealed class DdimScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly int _stride;

    /// <summary>Prepares <paramref name="steps"/> leading-spaced steps (steps_offset 1, as SD's config).</summary>
    public DdimScheduler(NoiseSchedule schedule, int steps, int stepsOffset = 1)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        _stride = schedule.TrainSteps / steps;
        Timesteps = [.. schedule.Timesteps(steps, TimestepSpacing.Leading, stepsOffset).Select(t => (int)t)];
    }

    /// <summary>The UNet timesteps, descending.</summary>
    public IReadOnlyList<int> Timesteps { get; }

    /// <summary>
    /// One step from timestep <paramref name="t"/>: <paramref name="sample"/> is updated in place from the model's noise
    /// prediction <paramref name="epsilon"/>; <paramref name="eta"/> &gt; 0 adds <paramref name="noise"/> (same length).
    /// </summary>
    public void Step(ReadOnlySpan<float> epsilon, int t, Span<float> sample, double eta = 0, ReadOnlySpan<float> noise = default)
    {
        int previous = t - _stride;
        double alpha = _schedule.AlphasCumprod[t];
        double alphaPrevious = previous >= 0 ? _schedule.AlphasCumprod[previous] : _schedule.AlphasCumprod[0];
        double variance = (1 - alphaPrevious) / (1 - alpha) * (1 - (alpha / alphaPrevious));
        double std = eta * Math.Sqrt(variance);
        double direction = Math.Sqrt(Math.Max(0, 1 - alphaPrevious - (std * std)));
        if (eta > 0 && noise.Length != sample.Length)
        {
            throw new ArgumentException("DDIM with eta > 0 needs one noise value per sample value.", nameof(noise));
        }

        for (int i = 0; i < sample.Length; i++)
        {
            double x0 = (sample[i] - (Math.Sqrt(1 - alpha) * epsilon[i])) / Math.Sqrt(alpha);
            double next = (Math.Sqrt(alphaPrevious) * x0) + (direction * epsilon[i]);
            sample[i] = (float)(eta > 0 ? next + (std * noise[i]) : next);
        }
    }
}
