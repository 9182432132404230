namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// Euler and Euler-ancestral (k-diffusion samplers) with diffusers' semantics for SD 1.x: linspace timesteps (floats),
/// σ interpolated over t and a final σ of 0; the model sees x / √(σ² + 1); init noise is scaled by σ_max.
/// Euler: x_next = x + ε (σ_next − σ). Ancestral: σ_up = √(σ_next² (σ² − σ_next²) / σ²), σ_down = √(σ_next² − σ_up²),
/// x_next = x + ε (σ_down − σ) + σ_up z, one fresh Gaussian z per step.
/// </summary>
public sealed class EulerScheduler : IDiffusionScheduler
{
    private readonly double[] _sigmas;
    private readonly double[] _timesteps;

    /// <summary>Prepares <paramref name="steps"/> steps.</summary>
    public EulerScheduler(NoiseSchedule schedule, int steps, bool ancestral = false, TimestepSpacing spacing = TimestepSpacing.Linspace, int stepsOffset = 1)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        Ancestral = ancestral;
        _timesteps = schedule.Timesteps(steps, spacing, stepsOffset);
        _sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.SigmaAt(_timesteps[i]);
        }

        InitNoiseSigma = spacing == TimestepSpacing.Leading ? Math.Sqrt((_sigmas[0] * _sigmas[0]) + 1) : _sigmas[0];
    }

    /// <inheritdoc/>
    public string Name => Ancestral ? "euler-ancestral" : "euler";

    /// <summary>True for Euler-ancestral.</summary>
    public bool Ancestral { get; }

    /// <summary>The UNet timesteps (floats), descending.</summary>
    public IReadOnlyList<double> Timesteps => _timesteps;

    /// <summary>σ per step, then 0.</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <inheritdoc/>
    public int CallCount => _timesteps.Length;

    /// <inheritdoc/>
    public int Order => 1;

    /// <summary>The factor the initial Gaussian noise is multiplied by (σ_max for linspace spacing, √(σ_max² + 1) for leading).</summary>
    public double InitNoiseSigma { get; }

    /// <inheritdoc/>
    public bool NeedsStepNoise => Ancestral;

    /// <inheritdoc/>
    public double Timestep(int index) => _timesteps[index];

    /// <summary>The factor the UNet input is multiplied by at step <paramref name="index"/>: 1/√(σ² + 1).</summary>
    public double InputScale(int index) => 1 / Math.Sqrt((_sigmas[index] * _sigmas[index]) + 1);

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised) =>
        SigmaSpace.AddNoise(clean, noise, _sigmas[index], noised);

    /// <summary>Step <paramref name="index"/>: updates <paramref name="sample"/> in place; ancestral needs <paramref name="noise"/>.</summary>
    public void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default)
    {
        double sigma = _sigmas[index];
        double next = _sigmas[index + 1];
        double up = 0;
        double down = next;
        if (Ancestral)
        {
            if (noise.Length != sample.Length)
            {
                throw new ArgumentException("Euler-ancestral needs one noise value per sample value.", nameof(noise));
            }

            up = Math.Sqrt(next * next * ((sigma * sigma) - (next * next)) / (sigma * sigma));
            down = Math.Sqrt((next * next) - (up * up));
        }

        double dt = down - sigma;
        for (int i = 0; i < sample.Length; i++)
        {
            double value = sample[i] + (epsilon[i] * dt);
            sample[i] = (float)(Ancestral ? value + (up * noise[i]) : value);
        }
    }
}
