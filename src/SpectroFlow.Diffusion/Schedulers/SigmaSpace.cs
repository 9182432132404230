namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>Helpers shared by the sigma-space (k-diffusion) schedulers: Euler, Euler-ancestral and LMS.</summary>
internal static class SigmaSpace
{
    /// <summary>diffusers' add_noise for sigma schedulers: x0 + σ ε.</summary>
    public static void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, double sigma, Span<float> noised)
    {
        if (noise.Length != clean.Length || noised.Length != clean.Length)
        {
            throw new ArgumentException("Clean latents, noise and output must have the same length.", nameof(noise));
        }

        for (int i = 0; i < clean.Length; i++)
        {
            noised[i] = (float)(clean[i] + (sigma * noise[i]));
        }
    }
}
