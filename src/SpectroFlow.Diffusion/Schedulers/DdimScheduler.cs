namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// DDIM (Song et al. 2020) with diffusers' semantics for SD 1.x (set_alpha_to_one false, clip_sample false):
/// x̂0 = (x − √(1−ᾱ_t) ε)/√ᾱ_t, then x_prev = √ᾱ_prev x̂0 + √(1 − ᾱ_prev − s²) ε + s z with s = η √var.
/// </summary>
public sealed class DdimScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly double _finalAlpha;
    private readonly int _stride;
    private readonly int[] _timesteps;

    /// <summary>
    /// Prepares <paramref name="steps"/> leading-spaced steps (steps_offset 1, as SD's config) with <paramref name="eta"/>;
    /// <paramref name="setAlphaToOne"/> makes the last step land on ᾱ = 1 instead of ᾱ_0 (SD's file says false).
    /// </summary>
    public DdimScheduler(NoiseSchedule schedule, int steps, int stepsOffset = 1, double eta = 0, bool setAlphaToOne = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _finalAlpha = setAlphaToOne ? 1.0 : schedule.AlphasCumprod[0];
        ArgumentOutOfRangeException.ThrowIfNegative(eta);
        _schedule = schedule;
        _stride = schedule.TrainSteps / steps;
        Eta = eta;
        _timesteps = [.. schedule.Timesteps(steps, TimestepSpacing.Leading, stepsOffset).Select(t => (int)t)];
    }

    /// <inheritdoc/>
    public string Name => "ddim";

    /// <summary>The UNet timesteps, descending.</summary>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>DDIM's η: 0 is deterministic, 1 is DDPM-like.</summary>
    public double Eta { get; }

    /// <inheritdoc/>
    public int CallCount => _timesteps.Length;

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public double InitNoiseSigma => 1;

    /// <inheritdoc/>
    public bool NeedsStepNoise => Eta > 0;

    /// <inheritdoc/>
    public double Timestep(int index) => _timesteps[index];

    /// <inheritdoc/>
    public double InputScale(int index) => 1;

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised) =>
        _schedule.AddNoise(clean, noise, _timesteps[index], noised);

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default)
    {
        int t = _timesteps[index];
        int previous = t - _stride;
        double alpha = _schedule.AlphasCumprod[t];
        double alphaPrevious = previous >= 0 ? _schedule.AlphasCumprod[previous] : _finalAlpha;
        double variance = (1 - alphaPrevious) / (1 - alpha) * (1 - (alpha / alphaPrevious));
        double std = Eta * Math.Sqrt(variance);
        double direction = Math.Sqrt(Math.Max(0, 1 - alphaPrevious - (std * std)));
        if (Eta > 0 && noise.Length != sample.Length)
        {
            throw new ArgumentException("DDIM with eta > 0 needs one noise value per sample value.", nameof(noise));
        }

        for (int i = 0; i < sample.Length; i++)
        {
            double x0 = (sample[i] - (Math.Sqrt(1 - alpha) * epsilon[i])) / Math.Sqrt(alpha);
            double next = (Math.Sqrt(alphaPrevious) * x0) + (direction * epsilon[i]);
            sample[i] = (float)(Eta > 0 ? next + (std * noise[i]) : next);
        }
    }
}
