using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>
/// DDIM and PNDM on an exact model: when the noise prediction is the very noise that made x_t from x0, every step must
/// land on √ᾱ_prev x0 + √(1 − ᾱ_prev) ε, so the loop ends at the clean sample's final noising.
/// </summary>
public class SchedulerStepTests
{
    private static readonly float[] s_clean = [0.5f, -0.25f, 0.8f, 0f, -1f];
    private static readonly float[] s_noise = [1.2f, -0.7f, 0.1f, 2.0f, -0.3f];
    private readonly NoiseSchedule _sd = new();

    [Fact]
    public void Pndm_FiftySteps_Has51Calls_With961Twice()
    {
        var pndm = new PndmScheduler(_sd, 50);

        pndm.Timesteps.Should().HaveCount(51);
        pndm.Timesteps.Take(5).Should().Equal(981, 961, 961, 941, 921);
        pndm.Timesteps.TakeLast(3).Should().Equal(41, 21, 1);
    }

    [Fact]
    public void Ddim_ExactNoisePrediction_FollowsTheCleanSamplesPath()
    {
        var ddim = new DdimScheduler(_sd, 20);
        float[] x = Noised(ddim.Timesteps[0]);

        for (int k = 0; k < ddim.Timesteps.Count; k++)
        {
            ddim.Step(s_noise, k, x);
            int previous = k + 1 < ddim.Timesteps.Count ? ddim.Timesteps[k + 1] : 0;
            x.Should().Equal(Noised(previous), (a, b) => Math.Abs(a - b) < 1e-5f, $"after the step from t = {ddim.Timesteps[k]}");
        }
    }

    [Fact]
    public void Pndm_ExactNoisePrediction_EndsAtTheCleanSamplesFinalNoising()
    {
        var pndm = new PndmScheduler(_sd, 25);
        float[] x = Noised(pndm.Timesteps[0]);

        for (int k = 0; k < pndm.CallCount; k++)
        {
            pndm.Step(s_noise, k, x);
        }

        x.Should().Equal(Noised(0), (a, b) => Math.Abs(a - b) < 1e-4f);
    }

    [Fact]
    public void Pndm_ChangingPredictions_UseTheMultistepCombination()
    {
        // Two schedulers fed different second predictions must differ: the history is really used.
        var first = new PndmScheduler(_sd, 10);
        var second = new PndmScheduler(_sd, 10);
        float[] a = Noised(first.Timesteps[0]);
        float[] b = Noised(first.Timesteps[0]);
        float[] other = [.. s_noise.Select(v => v * 0.5f)];
        for (int k = 0; k < first.Timesteps.Count; k++)
        {
            first.Step(s_noise, k, a);
            second.Step(k == 3 ? other : s_noise, k, b);
        }

        a.Should().NotEqual(b);
    }

    /// <summary>√ᾱ_t x0 + √(1 − ᾱ_t) ε (diffusers' add_noise).</summary>
    private float[] Noised(int t)
    {
        double alpha = _sd.AlphasCumprod[t];
        return [.. s_clean.Select((x0, i) => (float)((Math.Sqrt(alpha) * x0) + (Math.Sqrt(1 - alpha) * s_noise[i])))];
    }
}
