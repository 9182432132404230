namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// One denoising run's scheduler with diffusers' semantics, addressed by UNet call index: call k feeds
/// <see cref="Timestep"/>(k) to the UNet with the latents multiplied by <see cref="InputScale"/>(k), then
/// <see cref="Step"/> moves the latents in place. Instances keep per-image state (multistep history): one per generation.
/// </summary>
public interface IDiffusionScheduler
{
    /// <summary>The scheduler's name as the CLI and recipes spell it (pndm, ddim, euler, euler-ancestral, lms, dpmpp2m).</summary>
    string Name { get; }

    /// <summary>Number of UNet calls of a full run (PNDM makes one more than its steps).</summary>
    int CallCount { get; }

    /// <summary>diffusers' <c>order</c>: modern img2img skips <c>t_start · order</c> calls.</summary>
    int Order { get; }

    /// <summary>The factor pure Gaussian noise is multiplied by to start a text-to-image run.</summary>
    double InitNoiseSigma { get; }

    /// <summary>True when <see cref="Step"/> needs one fresh Gaussian value per latent value (ancestral, DDIM with eta).</summary>
    bool NeedsStepNoise { get; }

    /// <summary>The timestep of UNet call <paramref name="index"/> (fractional for linspace sigma schedulers).</summary>
    double Timestep(int index);

    /// <summary>The factor the latents are multiplied by before UNet call <paramref name="index"/> (scale_model_input).</summary>
    double InputScale(int index);

    /// <summary>
    /// Call <paramref name="index"/>'s update: <paramref name="sample"/> moves in place from the guided noise prediction
    /// <paramref name="epsilon"/>; <paramref name="noise"/> is read only when <see cref="NeedsStepNoise"/>.
    /// Calls must come in increasing index order (multistep schedulers keep history).
    /// </summary>
    void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default);

    /// <summary>
    /// Noises clean latents to the level of UNet call <paramref name="index"/> (img2img): √ᾱ x0 + √(1−ᾱ) ε for
    /// DDPM-space schedulers, x0 + σ ε for sigma-space ones.
    /// </summary>
    void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised);
}
