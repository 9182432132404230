using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>DPM-Solver++(2M): diffusers' integer timesteps, the exact-model path, and the multistep update against its formulas.</summary>
public class DpmSolverMultistepSchedulerTests
{
    private static readonly float[] s_clean = [0.5f, -0.25f, 0.8f, 0f, -1f];
    private static readonly float[] s_noise = [1.2f, -0.7f, 0.1f, 2.0f, -0.3f];
    private readonly NoiseSchedule _sd = new();

    [Fact]
    public void Timesteps_Five_RoundLinspaceHalfToEven()
    {
        // round(linspace(0, 999, 6)) = 0, 200, 400 (399.6), 599 (599.4), 799, 999; reversed without the 0.
        var dpm = new DpmSolverMultistepScheduler(_sd, 5);

        dpm.Timesteps.Should().Equal(999, 799, 599, 400, 200);
        Enumerable.Range(0, 5).Select(dpm.Timestep).Should().Equal(999, 799, 599, 400, 200);
        dpm.Sigmas.Should().HaveCount(6);
        dpm.Sigmas[0].Should().BeApproximately(14.614641, 5e-6);
        dpm.Sigmas[3].Should().Be(_sd.Sigma(400));
        dpm.Sigmas[^1].Should().Be(0);
        dpm.InitNoiseSigma.Should().Be(1);
        dpm.InputScale(2).Should().Be(1);
        dpm.Order.Should().Be(1);
        dpm.Name.Should().Be("dpmpp2m");
    }

    [Fact]
    public void Timesteps_Fifty_Are999Then979DownTo20()
    {
        var dpm = new DpmSolverMultistepScheduler(_sd, 50);

        dpm.Timesteps.Should().HaveCount(50);
        dpm.Timesteps.Take(4).Should().Equal(999, 979, 959, 939);
        dpm.Timesteps.TakeLast(3).Should().Equal(60, 40, 20);
    }

    [Fact]
    public void Timesteps_LeadingAndTrailing_FollowDiffusersSetTimesteps()
    {
        // leading: ratio = 1000 // (N + 1) = 166, (N … 1) · ratio + steps_offset; trailing: round(arange(1000, 0, −200)) − 1.
        new DpmSolverMultistepScheduler(_sd, 5, TimestepSpacing.Leading, stepsOffset: 1).Timesteps.Should().Equal(831, 665, 499, 333, 167);
        new DpmSolverMultistepScheduler(_sd, 5, TimestepSpacing.Trailing).Timesteps.Should().Equal(999, 799, 599, 399, 199);
    }

    [Fact]
    public void SigmaMinFinal_EndsAtTheSigmaOfStepZero()
    {
        var dpm = new DpmSolverMultistepScheduler(_sd, 10, finalSigma: FinalSigma.SigmaMin);

        dpm.Sigmas[^1].Should().Be(_sd.Sigma(0));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    public void ExactNoisePrediction_FollowsTheCleanSamplesPath_AndEndsAtIt(int steps)
    {
        // x̂0 is exactly x0 at every step, so both the first- and the second-order updates land on α' x0 + s' ε.
        var dpm = new DpmSolverMultistepScheduler(_sd, steps);
        float[] x = new float[s_clean.Length];
        dpm.AddNoise(s_clean, s_noise, 0, x);

        for (int k = 0; k < dpm.CallCount; k++)
        {
            dpm.Step(s_noise, k, x);
            if (k + 1 < dpm.CallCount)
            {
                float[] expected = new float[s_clean.Length];
                dpm.AddNoise(s_clean, s_noise, k + 1, expected);
                x.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5f, $"after step {k}");
            }
        }

        x.Should().Equal(s_clean, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void AddNoise_IsSqrtAlphaBarCleanPlusSqrtOneMinusAlphaBarNoise()
    {
        var dpm = new DpmSolverMultistepScheduler(_sd, 5);
        float[] noised = new float[s_clean.Length];

        dpm.AddNoise(s_clean, s_noise, 3, noised);

        double alpha = _sd.AlphasCumprod[400];
        noised.Should().Equal(
            s_clean.Select((x0, i) => (float)((Math.Sqrt(alpha) * x0) + (Math.Sqrt(1 - alpha) * s_noise[i]))),
            (a, b) => Math.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void Steps_MatchDiffusersFormulas_FirstOrderThenMidpointThenFirstOrderFinal()
    {
        // diffusers' dpm_solver_first_order_update and multistep_dpm_solver_second_order_update (dpmsolver++, midpoint),
        // written literally with λ = ln α − ln s and e^{−h}; the final step to σ = 0 is first order and returns x̂0.
        const int Steps = 4;
        var dpm = new DpmSolverMultistepScheduler(_sd, Steps);
        float[] x = [0.3f];
        float[] epsilons = [0.9f, -0.4f, 0.25f, 1.1f];
        double expected = x[0];
        double previousPrediction = 0;

        for (int k = 0; k < Steps; k++)
        {
            (double alpha, double spread) = AlphaSigma(dpm.Sigmas[k]);
            double prediction = (expected - (spread * epsilons[k])) / alpha;
            if (k == Steps - 1)
            {
                expected = prediction;
            }
            else
            {
                (double alphaNext, double spreadNext) = AlphaSigma(dpm.Sigmas[k + 1]);
                double h = Lambda(alphaNext, spreadNext) - Lambda(alpha, spread);
                double d1 = 0;
                if (k > 0)
                {
                    (double alphaPrevious, double spreadPrevious) = AlphaSigma(dpm.Sigmas[k - 1]);
                    double r0 = (Lambda(alpha, spread) - Lambda(alphaPrevious, spreadPrevious)) / h;
                    d1 = (prediction - previousPrediction) / r0;
                }

                expected = (spreadNext / spread * expected) - (alphaNext * (Math.Exp(-h) - 1) * (prediction + (0.5 * d1)));
            }

            previousPrediction = prediction;
            dpm.Step([epsilons[k]], k, x);
            ((double)x[0]).Should().BeApproximately(expected, 1e-5 * Math.Max(1, Math.Abs(expected)), $"step {k}");
            expected = x[0];
        }
    }

    [Fact]
    public void Img2ImgStart_TakesAFirstOrderStep()
    {
        // diffusers counts the steps taken (lower_order_nums): a run starting at index 3 begins first order.
        var started = new DpmSolverMultistepScheduler(_sd, 10);
        float[] x = [0.3f];

        started.Step([0.5f], 3, x);

        (double alpha, double spread) = AlphaSigma(started.Sigmas[3]);
        (double alphaNext, double spreadNext) = AlphaSigma(started.Sigmas[4]);
        double prediction = (0.3f - (spread * 0.5f)) / alpha;
        double expected = (spreadNext / spread * 0.3f) + (alphaNext * (1 - (started.Sigmas[4] / started.Sigmas[3])) * prediction);
        ((double)x[0]).Should().BeApproximately(expected, 1e-6);
    }

    private static (double Alpha, double Sigma) AlphaSigma(double sigma)
    {
        double alpha = 1 / Math.Sqrt((sigma * sigma) + 1);
        return (alpha, sigma * alpha);
    }

    private static double Lambda(double alpha, double sigma) => Math.Log(alpha) - Math.Log(sigma);
}
