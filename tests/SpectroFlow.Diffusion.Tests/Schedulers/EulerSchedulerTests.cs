using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>Euler and Euler-ancestral: SD's sigma list, input scaling, and the exact-model path in sigma space.</summary>
public class EulerSchedulerTests
{
    private static readonly float[] s_clean = [0.5f, -0.25f, 0.8f];
    private static readonly float[] s_noise = [1.2f, -0.7f, 0.1f];

    [Fact]
    public void Sigmas_Fifty_StartAtSigmaMax_AndEndWithZero()
    {
        var euler = new EulerScheduler(new NoiseSchedule(), 50);

        euler.Sigmas.Should().HaveCount(51);
        euler.InitNoiseSigma.Should().BeApproximately(14.6146, 5e-5);
        euler.Sigmas[1].Should().BeApproximately(12.9368, 5e-5);
        euler.Sigmas[^2].Should().BeApproximately(0.02917, 5e-5);
        euler.Sigmas[^1].Should().Be(0);
        euler.InputScale(0).Should().BeApproximately(1 / Math.Sqrt((14.6146 * 14.6146) + 1), 1e-6);
    }

    [Fact]
    public void Euler_ExactNoisePrediction_EndsAtTheCleanSample()
    {
        var euler = new EulerScheduler(new NoiseSchedule(), 30);
        float[] x = [.. s_clean.Select((x0, i) => (float)(x0 + (euler.InitNoiseSigma * s_noise[i])))];

        for (int k = 0; k < euler.Timesteps.Count; k++)
        {
            euler.Step(s_noise, k, x);
        }

        x.Should().Equal(s_clean, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void EulerAncestral_AddsTheStepNoise_AndWithoutItWouldMissTheTarget()
    {
        var ancestral = new EulerScheduler(new NoiseSchedule(), 10, ancestral: true);
        float[] x = [.. s_clean.Select((x0, i) => (float)(x0 + (ancestral.InitNoiseSigma * s_noise[i])))];
        float[] zero = new float[3];

        ancestral.Step(s_noise, 0, x, zero);

        // With z = 0 the step goes to σ_down, not σ_next: x = x0 + σ_down ε.
        double sigma = ancestral.Sigmas[0];
        double next = ancestral.Sigmas[1];
        double up = Math.Sqrt(next * next * ((sigma * sigma) - (next * next)) / (sigma * sigma));
        double down = Math.Sqrt((next * next) - (up * up));
        x.Should().Equal(s_clean.Select((x0, i) => (float)(x0 + (down * s_noise[i]))), (a, b) => Math.Abs(a - b) < 1e-5f);
        down.Should().BeLessThan(next);
    }
}
