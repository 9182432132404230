namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>The σ after the last step (diffusers' <c>final_sigmas_type</c>).</summary>
public enum FinalSigma
{
    /// <summary>0: the last step lands on the data prediction itself (diffusers' default).</summary>
    Zero,

    /// <summary>σ of training step 0.</summary>
    SigmaMin,
}

/// <summary>
/// DPM-Solver++(2M) (Lu et al. 2022) with diffusers' DPMSolverMultistepScheduler semantics for algorithm dpmsolver++,
/// solver_order 2, solver_type midpoint and epsilon prediction: integer timesteps, σ_t = √((1 − ᾱ_t)/ᾱ_t) and a final σ;
/// with α = 1/√(σ² + 1), s = σ α and λ = ln α − ln s = −ln σ, the data prediction is x̂0 = (x − s ε)/α and, with
/// h = λ_next − λ, x_next = (s_next/s) x − α_next (e^{−h} − 1) (m0 + D1/2), D1 = (m0 − m1) h / (λ − λ_prev) from the
/// current and previous x̂0 (first order, D1 = 0, on the first step and on the final one when lower_order_final applies).
/// The model input is not scaled and the init noise is not scaled.
/// </summary>
public sealed class DpmSolverMultistepScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly int[] _timesteps;
    private readonly double[] _sigmas;
    private readonly bool _lowerOrderFinal;
    private readonly FinalSigma _finalSigma;
    private float[] _dataPrediction = [];
    private float[] _previousDataPrediction = [];
    private int _stepsTaken;

    /// <summary>Prepares <paramref name="steps"/> steps.</summary>
    /// <param name="schedule">The training noise schedule.</param>
    /// <param name="steps">num_inference_steps.</param>
    /// <param name="spacing">timestep_spacing (linspace is diffusers' default).</param>
    /// <param name="stepsOffset">steps_offset, added for leading spacing only (1 in SD's config).</param>
    /// <param name="lowerOrderFinal">lower_order_final: a first-order last step when there are fewer than 15 steps.</param>
    /// <param name="finalSigma">final_sigmas_type.</param>
    public DpmSolverMultistepScheduler(
        NoiseSchedule schedule,
        int steps,
        TimestepSpacing spacing = TimestepSpacing.Linspace,
        int stepsOffset = 1,
        bool lowerOrderFinal = true,
        FinalSigma finalSigma = FinalSigma.Zero)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, schedule.TrainSteps);
        _schedule = schedule;
        _lowerOrderFinal = lowerOrderFinal;
        _finalSigma = finalSigma;
        _timesteps = MakeTimesteps(schedule, steps, spacing, stepsOffset);
        _sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.Sigma(_timesteps[i]);
        }

        _sigmas[steps] = finalSigma == FinalSigma.Zero ? 0 : schedule.Sigma(0);
    }

    /// <inheritdoc/>
    public string Name => "dpmpp2m";

    /// <summary>The UNet timesteps (integers), descending.</summary>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <summary>σ per step, then the final σ.</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    /// <inheritdoc/>
    public int CallCount => _timesteps.Length;

    /// <summary>diffusers' <c>order</c> attribute, 1: one UNet call per step (the solver order, 2, is separate).</summary>
    public int Order => 1;

    /// <inheritdoc/>
    public double InitNoiseSigma => 1;

    /// <inheritdoc/>
    public bool NeedsStepNoise => false;

    /// <inheritdoc/>
    public double Timestep(int index) => _timesteps[index];

    /// <inheritdoc/>
    public double InputScale(int index) => 1;

    /// <summary>α x0 + s ε at step <paramref name="index"/>'s σ, which is √ᾱ_t x0 + √(1 − ᾱ_t) ε at its timestep.</summary>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised) =>
        _schedule.AddNoise(clean, noise, _timesteps[index], noised);

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default)
    {
        if (epsilon.Length != sample.Length)
        {
            throw new ArgumentException("The noise prediction must have one value per sample value.", nameof(epsilon));
        }

        EnsureBuffers(sample.Length);
        (_previousDataPrediction, _dataPrediction) = (_dataPrediction, _previousDataPrediction);

        double sigma = _sigmas[index];
        double next = _sigmas[index + 1];
        double alpha = 1 / Math.Sqrt((sigma * sigma) + 1);
        double spread = sigma * alpha;
        double alphaNext = 1 / Math.Sqrt((next * next) + 1);
        double spreadNext = next * alphaNext;

        // diffusers counts the steps it has taken (lower_order_nums), so an img2img run's first step is first order too.
        bool last = index == _timesteps.Length - 1;
        bool firstOrder = _stepsTaken < 1 || (last && ((_lowerOrderFinal && _timesteps.Length < 15) || _finalSigma == FinalSigma.Zero));
        _stepsTaken++;

        // e^{−h} = σ_next/σ since λ = −ln σ: written so, σ_next = 0 needs no infinite λ and gives x_next = x̂0.
        double sampleCoefficient = spreadNext / spread;
        double predictionCoefficient = alphaNext * (1 - (next / sigma));
        double correction = 0;
        if (!firstOrder)
        {
            double h = Math.Log(sigma / next);
            double previousH = Math.Log(_sigmas[index - 1] / sigma);
            correction = 0.5 * h / previousH;
        }

        for (int i = 0; i < sample.Length; i++)
        {
            float prediction = (float)((sample[i] - (spread * epsilon[i])) / alpha);
            _dataPrediction[i] = prediction;
            double combined = firstOrder ? prediction : prediction + (correction * (prediction - _previousDataPrediction[i]));
            sample[i] = (float)((sampleCoefficient * sample[i]) + (predictionCoefficient * combined));
        }
    }

    private static int[] MakeTimesteps(NoiseSchedule schedule, int steps, TimestepSpacing spacing, int stepsOffset)
    {
        int trainSteps = schedule.TrainSteps;
        var timesteps = new int[steps];
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                // round(linspace(0, T − 1, N + 1)) reversed, without the 0; numpy computes i · step and rounds half to even.
                double step = (trainSteps - 1) / (double)steps;
                timesteps[0] = trainSteps - 1;
                for (int k = 1; k < steps; k++)
                {
                    timesteps[k] = (int)Math.Round((steps - k) * step, MidpointRounding.ToEven);
                }

                break;
            case TimestepSpacing.Leading:
                int ratio = trainSteps / (steps + 1);
                for (int k = 0; k < steps; k++)
                {
                    timesteps[k] = ((steps - k) * ratio) + stepsOffset;
                }

                break;
            default:
                double[] trailing = schedule.Timesteps(steps, TimestepSpacing.Trailing);
                for (int k = 0; k < steps; k++)
                {
                    timesteps[k] = (int)trailing[k];
                }

                break;
        }

        return timesteps;
    }

    private void EnsureBuffers(int length)
    {
        if (_dataPrediction.Length == length)
        {
            return;
        }

        _dataPrediction = new float[length];
        _previousDataPrediction = new float[length];
    }
}
