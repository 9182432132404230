namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// LMS (k-diffusion's linear multistep sampler, diffusers' LMSDiscreteScheduler) for SD 1.x: linspace timesteps
/// (floats), σ interpolated over t and a final σ of 0; the model sees x / √(σ² + 1); init noise is scaled by σ_max.
/// The ODE derivative is the noise prediction itself (x̂0 = x − σ ε, d = (x − x̂0)/σ); the last four are kept and
/// x_next = x + Σ_j c_j d_{i−j} with c_j = ∫_{σ_i}^{σ_{i+1}} Π_{k≠j} (τ − σ_{i−k}) / (σ_{i−j} − σ_{i−k}) dτ,
/// at order min(i + 1, 4) for step index i.
/// </summary>
public sealed class LmsScheduler : IDiffusionScheduler
{
    private const int MaxOrder = 4;
    private readonly double[] _sigmas;
    private readonly double[] _timesteps;
    private readonly float[][] _derivatives = new float[MaxOrder][];
    private int _derivativeCount;

    /// <summary>Prepares <paramref name="steps"/> steps.</summary>
    public LmsScheduler(NoiseSchedule schedule, int steps, TimestepSpacing spacing = TimestepSpacing.Linspace, int stepsOffset = 1)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _timesteps = schedule.Timesteps(steps, spacing, stepsOffset);
        _sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.SigmaAt(_timesteps[i]);
        }

        InitNoiseSigma = spacing == TimestepSpacing.Leading ? Math.Sqrt((_sigmas[0] * _sigmas[0]) + 1) : _sigmas[0];
    }

    /// <inheritdoc/>
    public string Name => "lms";

    /// <summary>The UNet timesteps (floats), descending.</summary>
    public IReadOnlyList<double> Timesteps => _timesteps;

    /// <summary>σ per step, then 0.</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <inheritdoc/>
    public int CallCount => _timesteps.Length;

    /// <summary>diffusers' <c>order</c> attribute, 1: one UNet call per step (the multistep order is separate, up to 4).</summary>
    public int Order => 1;

    /// <summary>The factor the initial Gaussian noise is multiplied by (σ_max for linspace/trailing spacing, √(σ_max² + 1) for leading).</summary>
    public double InitNoiseSigma { get; }

    /// <inheritdoc/>
    public bool NeedsStepNoise => false;

    /// <inheritdoc/>
    public double Timestep(int index) => _timesteps[index];

    /// <summary>The factor the UNet input is multiplied by at step <paramref name="index"/>: 1/√(σ² + 1).</summary>
    public double InputScale(int index) => 1 / Math.Sqrt((_sigmas[index] * _sigmas[index]) + 1);

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised) =>
        SigmaSpace.AddNoise(clean, noise, _sigmas[index], noised);

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default)
    {
        if (epsilon.Length != sample.Length)
        {
            throw new ArgumentException("The noise prediction must have one value per sample value.", nameof(epsilon));
        }

        EnsureBuffers(sample.Length);
        epsilon.CopyTo(_derivatives[_derivativeCount % MaxOrder]);
        _derivativeCount++;

        // diffusers takes the order from the step index, not from the stored derivatives, and zips the coefficients with
        // the derivatives it has: an img2img run that starts mid-schedule uses the leading coefficients of the full-order
        // interpolation until its history fills up. Kept literally, as PNDM's counter.
        int order = Math.Min(index + 1, MaxOrder);
        int used = Math.Min(order, _derivativeCount);
        Span<double> coefficients = stackalloc double[MaxOrder];
        Span<int> slots = stackalloc int[MaxOrder];
        for (int j = 0; j < used; j++)
        {
            coefficients[j] = Coefficient(index, order, j);
            slots[j] = (_derivativeCount - 1 - j) % MaxOrder;
        }

        for (int i = 0; i < sample.Length; i++)
        {
            double value = sample[i];
            for (int j = 0; j < used; j++)
            {
                value += coefficients[j] * _derivatives[slots[j]][i];
            }

            sample[i] = (float)value;
        }
    }

    private void EnsureBuffers(int length)
    {
        if (_derivatives[0]?.Length == length)
        {
            return;
        }

        for (int i = 0; i < MaxOrder; i++)
        {
            _derivatives[i] = new float[length];
        }
    }

    /// <summary>c_j = ∫_{σ_i}^{σ_{i+1}} ℓ_j(τ) dτ, ℓ_j the Lagrange basis polynomial over σ_i … σ_{i−order+1} that is 1 at σ_{i−j}.</summary>
    private double Coefficient(int index, int order, int j)
    {
        // ℓ_j has degree order − 1 ≤ 3, and two-point Gauss-Legendre is exact up to degree 3.
        double half = (_sigmas[index + 1] - _sigmas[index]) / 2;
        double middle = (_sigmas[index + 1] + _sigmas[index]) / 2;
        double offset = half / Math.Sqrt(3);
        return half * (Basis(index, order, j, middle - offset) + Basis(index, order, j, middle + offset));
    }

    private double Basis(int index, int order, int j, double tau)
    {
        double product = 1;
        for (int k = 0; k < order; k++)
        {
            if (k != j)
            {
                product *= (tau - _sigmas[index - k]) / (_sigmas[index - j] - _sigmas[index - k]);
            }
        }

        return product;
    }
}
