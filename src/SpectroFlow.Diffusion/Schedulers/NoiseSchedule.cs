namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>How the training betas run from <c>beta_start</c> to <c>beta_end</c> (diffusers' <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary>Evenly spaced betas.</summary>
    Linear,

    /// <summary>Evenly spaced square roots of the betas, squared (Stable Diffusion's).</summary>
    ScaledLinear,
}

/// <summary>How inference timesteps are picked from the training steps (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary>t_i = i · (T // N) + steps_offset, descending (PNDM and DDIM defaults).</summary>
    Leading,

    /// <summary>N values of linspace(0, T − 1), descending (LMS, Euler and DPM++ defaults); float for sigma schedulers.</summary>
    Linspace,

    /// <summary>round(arange(T, 0, −T/N)) − 1.</summary>
    Trailing,
}

/// <summary>
/// The training noise schedule of a diffusion model with diffusers' semantics: betas, ᾱ (cumulative product of
/// 1 − β) and the sigmas √((1 − ᾱ)/ᾱ), computed in double precision from <c>scheduler_config.json</c>'s values.
/// </summary>
public sealed class NoiseSchedule
{
    /// <summary>Builds the schedule.</summary>
    /// <param name="trainSteps">num_train_timesteps (1000 for SD).</param>
    /// <param name="betaStart">beta_start (0.00085 for SD).</param>
    /// <param name="betaEnd">beta_end (0.012 for SD).</param>
    /// <param name="schedule">beta_schedule (scaled_linear for SD).</param>
    public NoiseSchedule(int trainSteps = 1000, double betaStart = 0.00085, double betaEnd = 0.012, BetaSchedule schedule = BetaSchedule.ScaledLinear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainSteps, 2);
        var betas = new double[trainSteps];
        for (int i = 0; i < trainSteps; i++)
        {
            betas[i] = schedule == BetaSchedule.Linear
                ? betaStart + (i * (betaEnd - betaStart) / (trainSteps - 1))
                : Math.Pow(Math.Sqrt(betaStart) + (i * (Math.Sqrt(betaEnd) - Math.Sqrt(betaStart)) / (trainSteps - 1)), 2);
        }

        TrainSteps = trainSteps;
        AlphasCumprod = Cumprod(betas);
    }

    /// <summary>Builds the schedule from explicit betas, one per training step (diffusers' <c>trained_betas</c>).</summary>
    public NoiseSchedule(IReadOnlyList<double> trainedBetas)
    {
        ArgumentNullException.ThrowIfNull(trainedBetas);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainedBetas.Count, 2);
        TrainSteps = trainedBetas.Count;
        AlphasCumprod = Cumprod(trainedBetas);
    }

    /// <summary>num_train_timesteps.</summary>
    public int TrainSteps { get; }

    /// <summary>ᾱ_t for t = 0 … T − 1.</summary>
    public IReadOnlyList<double> AlphasCumprod { get; }

    /// <summary>σ_t = √((1 − ᾱ_t)/ᾱ_t).</summary>
    public double Sigma(int t) => Math.Sqrt((1 - AlphasCumprod[t]) / AlphasCumprod[t]);

    /// <summary>σ at a fractional timestep, linearly interpolated between the integer steps (as diffusers' np.interp).</summary>
    public double SigmaAt(double t)
    {
        int low = Math.Clamp((int)Math.Floor(t), 0, TrainSteps - 1);
        int high = Math.Min(low + 1, TrainSteps - 1);
        double fraction = t - low;
        return ((1 - fraction) * Sigma(low)) + (fraction * Sigma(high));
    }

    /// <summary>diffusers' add_noise for DDPM-space schedulers: √ᾱ_t x0 + √(1 − ᾱ_t) ε, computed in double.</summary>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int t, Span<float> noised)
    {
        if (noise.Length != clean.Length || noised.Length != clean.Length)
        {
            throw new ArgumentException("Clean latents, noise and output must have the same length.", nameof(noise));
        }

        double signal = Math.Sqrt(AlphasCumprod[t]);
        double spread = Math.Sqrt(1 - AlphasCumprod[t]);
        for (int i = 0; i < clean.Length; i++)
        {
            noised[i] = (float)((signal * clean[i]) + (spread * noise[i]));
        }
    }

    /// <summary>The inference timesteps for <paramref name="steps"/> steps, descending, as diffusers' <c>set_timesteps</c> makes them.</summary>
    public double[] Timesteps(int steps, TimestepSpacing spacing, int stepsOffset = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, TrainSteps);
        if (spacing == TimestepSpacing.Leading && ((steps - 1) * (TrainSteps / steps)) + stepsOffset >= TrainSteps)
        {
            // diffusers would index past ᾱ here (1000 steps with steps_offset 1 reach t = 1000).
            throw new Core.Errors.SpectroFlowException(
                $"{steps} steps with leading spacing and steps_offset {stepsOffset} pass the last of the {TrainSteps} training timesteps: use at most {TrainSteps - stepsOffset} steps");
        }

        var timesteps = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            timesteps[steps - 1 - i] = spacing switch
            {
                TimestepSpacing.Leading => (i * (TrainSteps / steps)) + stepsOffset,
                TimestepSpacing.Linspace => i * (TrainSteps - 1) / (double)(steps - 1 == 0 ? 1 : steps - 1),
                _ => Math.Round(TrainSteps - ((steps - 1 - i) * (TrainSteps / (double)steps)), MidpointRounding.ToEven) - 1,
            };
        }

        return timesteps;
    }

    private static double[] Cumprod(IReadOnlyList<double> betas)
    {
        var cumulative = new double[betas.Count];
        double product = 1;
        for (int i = 0; i < cumulative.Length; i++)
        {
            product *= 1 - betas[i];
            cumulative[i] = product;
        }

        return cumulative;
    }
}
