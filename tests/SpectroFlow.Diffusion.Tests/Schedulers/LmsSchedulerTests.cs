using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>LMS: SD's float timesteps and sigmas, the exact-model path in sigma space, and the order-4 coefficients.</summary>
public class LmsSchedulerTests
{
    private static readonly float[] s_clean = [0.5f, -0.25f, 0.8f, 0f, -1f];
    private static readonly float[] s_noise = [1.2f, -0.7f, 0.1f, 2.0f, -0.3f];

    [Fact]
    public void Timesteps_Five_AreFloatsFrom999ToZero_WithSigmasEndingAtZero()
    {
        var lms = new LmsScheduler(new NoiseSchedule(), 5);

        lms.Timesteps.Should().Equal(999, 749.25, 499.5, 249.75, 0);
        Enumerable.Range(0, 5).Select(lms.Timestep).Should().Equal(lms.Timesteps);
        lms.Sigmas.Should().HaveCount(6);
        lms.Sigmas[0].Should().BeApproximately(14.6146, 5e-5);
        lms.Sigmas[^2].Should().BeApproximately(0.029167, 5e-7);
        lms.Sigmas[^1].Should().Be(0);
        lms.InitNoiseSigma.Should().Be(lms.Sigmas[0]);
        lms.InputScale(1).Should().BeApproximately(1 / Math.Sqrt((lms.Sigmas[1] * lms.Sigmas[1]) + 1), 1e-12);
        lms.Order.Should().Be(1);
        lms.NeedsStepNoise.Should().BeFalse();
    }

    [Fact]
    public void LeadingSpacing_ScalesTheInitNoiseBySqrtOfSigmaSquaredPlusOne()
    {
        var lms = new LmsScheduler(new NoiseSchedule(), 50, TimestepSpacing.Leading, stepsOffset: 1);

        lms.Timesteps[0].Should().Be(981);
        lms.InitNoiseSigma.Should().BeApproximately(Math.Sqrt((lms.Sigmas[0] * lms.Sigmas[0]) + 1), 1e-12);
    }

    [Fact]
    public void ExactNoisePrediction_FollowsTheCleanSamplesPath_AndEndsAtIt()
    {
        // dx/dσ = ε is constant, and the coefficients of every order sum to σ_next − σ: each step lands on x0 + σ_next ε.
        var lms = new LmsScheduler(new NoiseSchedule(), 20);
        float[] x = SigmaNoised(lms.Sigmas[0]);

        for (int k = 0; k < lms.CallCount; k++)
        {
            lms.Step(s_noise, k, x);
            x.Should().Equal(SigmaNoised(lms.Sigmas[k + 1]), (a, b) => Math.Abs(a - b) < 1e-4f, $"after step {k}");
        }

        x.Should().Equal(s_clean, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void CubicDerivative_IsIntegratedExactly_FromTheFourthStepOn()
    {
        // Feeding d(σ) = p(σ) for a cubic p, order 4 (four stored derivatives) integrates it exactly: x moves by
        // P(σ_next) − P(σ) with P' = p. An LMS stuck at order 1 (Euler) would be far off.
        var lms = new LmsScheduler(new NoiseSchedule(), 10);
        float[] x = [0];
        float[] derivative = new float[1];

        for (int k = 0; k < lms.CallCount; k++)
        {
            float before = x[0];
            derivative[0] = (float)Cubic(lms.Sigmas[k]);
            lms.Step(derivative, k, x);
            double exact = CubicIntegral(lms.Sigmas[k + 1]) - CubicIntegral(lms.Sigmas[k]);
            if (k >= 3)
            {
                ((double)x[0] - before).Should().BeApproximately(exact, 2e-4 * Math.Max(1, Math.Abs(exact)), $"step {k}");
            }
            else if (k >= 1)
            {
                ((double)x[0] - before).Should().NotBeApproximately(exact, 1e-2, $"step {k} runs at order {k + 1} < 4");
            }
        }
    }

    [Fact]
    public void AddNoise_IsCleanPlusSigmaTimesNoise()
    {
        var lms = new LmsScheduler(new NoiseSchedule(), 10);
        float[] noised = new float[s_clean.Length];

        lms.AddNoise(s_clean, s_noise, 3, noised);

        noised.Should().Equal(SigmaNoised(lms.Sigmas[3]), (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    private static double Cubic(double sigma) => (0.02 * sigma * sigma * sigma) - (0.3 * sigma * sigma) + sigma - 2;

    private static double CubicIntegral(double sigma) =>
        (0.005 * Math.Pow(sigma, 4)) - (0.1 * sigma * sigma * sigma) + (0.5 * sigma * sigma) - (2 * sigma);

    /// <summary>x0 + σ ε (sigma-space add_noise).</summary>
    private static float[] SigmaNoised(double sigma) => [.. s_clean.Select((x0, i) => (float)(x0 + (sigma * s_noise[i])))];
}
