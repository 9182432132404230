using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>
/// Ports of diffusers' deterministic full-loop scheduler tests (huggingface/diffusers tests/schedulers/, read at
/// 58eb52c0803ea9af3abec60841c2a093bdf1f951): the same dummy model (sample · t / (t + 1)), deterministic sample
/// (arange(768)/768) and noise (its flip), the same configs and the published Σ|x| and mean |x| with diffusers'
/// tolerances. The loops reproduce the tests' own, quirks included (the sigma-space tests step on the input-scaled
/// sample). The schedules are built from diffusers' float32 betas (<see cref="TorchLinearSchedule"/>): the with-noise
/// sums are large enough (Σ 57062 and 27663 against ±0.01) to pin float32 rounding, and with exact double betas they
/// come out 0.07 and 0.21 off, mostly through σ at t = 0, which float32's 1 − β makes 8e-5 (relative) too large.
/// Not portable: every PNDM full loop (skip_prk_steps false: Runge-Kutta warm-up steps our PLMS-only class lacks),
/// the other DDIM loops (set_alpha_to_one true with betas from 0.0001, where clip_sample bites), Euler-ancestral (torch-seeded noise), v-prediction, Karras and
/// thresholding variants.
/// </summary>
public class DiffusersFullLoopTests
{
    private const int Elements = 4 * 3 * 8 * 8;

    [Fact]
    public void Ddim_FullLoopWithNoSetAlphaToOne()
    {
        // test_scheduler_ddim.py, DDIMSchedulerTest.test_full_loop_with_no_set_alpha_to_one: linear betas 0.01 → 0.02,
        // 1000 train steps, steps_offset 0, set_alpha_to_one false, eta 0, 10 steps; clip_sample true, a no-op here
        // (asserted below), which is why our unclipped DDIM can run it.
        var schedule = TorchLinearSchedule(1000, 0.01f, 0.02f);
        var ddim = new DdimScheduler(schedule, 10, stepsOffset: 0);
        ddim.Timesteps.Should().Equal(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        float[] x = RunDdpmSpace(ddim, SampleDeter(), start: 0, (k, sample, epsilon) =>
        {
            double alpha = schedule.AlphasCumprod[ddim.Timesteps[k]];
            for (int i = 0; i < Elements; i++)
            {
                double x0 = (sample[i] - (Math.Sqrt(1 - alpha) * epsilon[i])) / Math.Sqrt(alpha);
                Math.Abs(x0).Should().BeLessThanOrEqualTo(1, "clip_sample must not bite for the port to hold");
            }
        });

        AssertSumAndMean(x, 149.0784, 1e-2, 0.1941, 1e-3);
    }

    [Fact]
    public void Ddim_FullLoopWithSetAlphaToOne()
    {
        // test_scheduler_ddim.py, DDIMSchedulerTest.test_full_loop_with_set_alpha_to_one: as the test above, but the last
        // step lands on ᾱ = 1 (a clean sample) instead of ᾱ_0.
        var schedule = TorchLinearSchedule(1000, 0.01f, 0.02f);
        var ddim = new DdimScheduler(schedule, 10, stepsOffset: 0, setAlphaToOne: true);
        float[] x = RunDdpmSpace(ddim, SampleDeter(), start: 0, (k, sample, epsilon) =>
        {
            double alpha = schedule.AlphasCumprod[ddim.Timesteps[k]];
            for (int i = 0; i < Elements; i++)
            {
                double x0 = (sample[i] - (Math.Sqrt(1 - alpha) * epsilon[i])) / Math.Sqrt(alpha);
                Math.Abs(x0).Should().BeLessThanOrEqualTo(1, "clip_sample must not bite for the port to hold");
            }
        });

        AssertSumAndMean(x, 149.8295, 1e-2, 0.1951, 1e-3);
    }

    [Fact]
    public void Euler_FullLoopNoNoise()
    {
        // test_scheduler_euler.py, EulerDiscreteSchedulerTest.test_full_loop_no_noise (and test_full_loop_device):
        // 1100 train steps, linear betas 0.0001 → 0.02, linspace, 10 steps.
        var euler = new EulerScheduler(LinearSchedule1100(), 10);

        float[] x = RunSigmaSpace(euler, SampleDeter(), start: 0);

        AssertSumAndMean(x, 10.0807, 1e-2, 0.0131, 1e-3);
    }

    [Fact]
    public void Euler_FullLoopWithNoise()
    {
        // test_scheduler_euler.py, EulerDiscreteSchedulerTest.test_full_loop_with_noise: as above, noised to step 8
        // (t_start = 10 − 2) with the deterministic noise, then the last two steps.
        var euler = new EulerScheduler(LinearSchedule1100(), 10);

        float[] x = RunSigmaSpace(euler, SampleDeter(), start: 8);

        AssertSumAndMean(x, 57062.9297, 1e-2, 74.3007, 1e-3);
    }

    [Fact]
    public void Lms_FullLoopNoNoise()
    {
        // test_scheduler_lms.py, LMSDiscreteSchedulerTest.test_full_loop_no_noise (and test_full_loop_device):
        // 1100 train steps, linear betas 0.0001 → 0.02, linspace, 10 steps.
        var lms = new LmsScheduler(LinearSchedule1100(), 10);

        float[] x = RunSigmaSpace(lms, SampleDeter(), start: 0);

        AssertSumAndMean(x, 1006.388, 1e-2, 1.31, 1e-3);
    }

    [Fact]
    public void Lms_FullLoopWithNoise()
    {
        // test_scheduler_lms.py, LMSDiscreteSchedulerTest.test_full_loop_with_noise: noised to step 8, last two steps.
        // Step 8 runs at order 4 with one stored derivative (diffusers' zip truncation), which this number pins.
        var lms = new LmsScheduler(LinearSchedule1100(), 10);

        float[] x = RunSigmaSpace(lms, SampleDeter(), start: 8);

        AssertSumAndMean(x, 27663.6895, 1e-2, 36.0204, 1e-3);
    }

    [Fact]
    public void DpmSolverMultistep_FullLoopNoNoise()
    {
        // test_scheduler_dpm_multi.py, DPMSolverMultistepSchedulerTest.test_full_loop_no_noise (and test_switch's
        // defaults): linear betas 0.0001 → 0.02, 1000 train steps, dpmsolver++ order 2 midpoint, lower_order_final
        // false, final_sigmas_type sigma_min, 10 steps; only the mean is published.
        var dpm = new DpmSolverMultistepScheduler(LinearSchedule1000(), 10, lowerOrderFinal: false, finalSigma: FinalSigma.SigmaMin);

        float[] x = RunDdpmSpace(dpm, SampleDeter(), start: 0);

        (Sum(x) / Elements).Should().BeApproximately(0.3301, 1e-3);
    }

    [Fact]
    public void DpmSolverMultistep_FullLoopWithNoise()
    {
        // test_scheduler_dpm_multi.py, DPMSolverMultistepSchedulerTest.test_full_loop_with_noise: as above, noised to
        // step 5 (t_start = 5), then the last five steps.
        var dpm = new DpmSolverMultistepScheduler(LinearSchedule1000(), 10, lowerOrderFinal: false, finalSigma: FinalSigma.SigmaMin);

        float[] x = RunDdpmSpace(dpm, SampleDeter(), start: 5);

        AssertSumAndMean(x, 318.4111, 1e-2, 0.4146, 1e-3);
    }

    private static NoiseSchedule LinearSchedule1100() => TorchLinearSchedule(1100, 0.0001f, 0.02f);

    private static NoiseSchedule LinearSchedule1000() => TorchLinearSchedule(1000, 0.0001f, 0.02f);

    /// <summary>
    /// diffusers' linear betas as torch makes them: torch.linspace in float32 (from both ends, as its CPU kernel), then
    /// alphas = 1 − β in float32. Passed as trained betas 1 − α, which double arithmetic turns back into exactly α.
    /// </summary>
    private static NoiseSchedule TorchLinearSchedule(int trainSteps, float betaStart, float betaEnd)
    {
        float step = (betaEnd - betaStart) / (trainSteps - 1);
        double[] betas = new double[trainSteps];
        for (int i = 0; i < trainSteps; i++)
        {
            float beta = i < trainSteps / 2 ? betaStart + (step * i) : betaEnd - (step * (trainSteps - i - 1));
            float alpha = 1 - beta;
            betas[i] = 1 - (double)alpha;
        }

        return new NoiseSchedule(betas);
    }

    /// <summary>
    /// The sigma-space tests' loop: x = sample · init_noise_sigma, optionally add_noise to step <paramref name="start"/>,
    /// then per step x = scale_model_input(x), ε = model(x, t), x = step(ε, t, x).
    /// </summary>
    private static float[] RunSigmaSpace(IDiffusionScheduler scheduler, float[] x, int start)
    {
        float init = (float)scheduler.InitNoiseSigma;
        for (int i = 0; i < Elements; i++)
        {
            x[i] *= init;
        }

        if (start > 0)
        {
            scheduler.AddNoise(x, NoiseDeter(), start, x);
        }

        float[] epsilon = new float[Elements];
        for (int k = start; k < scheduler.CallCount; k++)
        {
            float scale = (float)scheduler.InputScale(k);
            for (int i = 0; i < Elements; i++)
            {
                x[i] *= scale;
            }

            DummyModel(x, scheduler.Timestep(k), epsilon);
            scheduler.Step(epsilon, k, x);
        }

        return x;
    }

    /// <summary>The DDPM-space tests' loop: optionally add_noise to step <paramref name="start"/>, then ε = model(x, t), x = step(ε, t, x);
    /// <paramref name="beforeStep"/> sees (k, x, ε) before each step.</summary>
    private static float[] RunDdpmSpace(IDiffusionScheduler scheduler, float[] x, int start, Action<int, float[], float[]>? beforeStep = null)
    {
        if (start > 0)
        {
            scheduler.AddNoise(x, NoiseDeter(), start, x);
        }

        float[] epsilon = new float[Elements];
        for (int k = start; k < scheduler.CallCount; k++)
        {
            DummyModel(x, scheduler.Timestep(k), epsilon);
            beforeStep?.Invoke(k, x, epsilon);
            scheduler.Step(epsilon, k, x);
        }

        return x;
    }

    /// <summary>
    /// test_schedulers.py's dummy_sample_deter: arange(768)/768 in float32, reshaped and permuted; every operation is
    /// elementwise and the results are sums, so the layout is irrelevant as long as the noise pairs up the same way.
    /// </summary>
    private static float[] SampleDeter()
    {
        float[] sample = new float[Elements];
        for (int i = 0; i < Elements; i++)
        {
            sample[i] = i / (float)Elements;
        }

        return sample;
    }

    /// <summary>test_schedulers.py's dummy_noise_deter: the flipped arange, so element i pairs (767 − i)/768 with i/768.</summary>
    private static float[] NoiseDeter()
    {
        float[] noise = new float[Elements];
        for (int i = 0; i < Elements; i++)
        {
            noise[i] = (Elements - 1 - i) / (float)Elements;
        }

        return noise;
    }

    /// <summary>test_schedulers.py's dummy_model: sample · t / (t + 1), in float32 with t cast to the sample's type.</summary>
    private static void DummyModel(ReadOnlySpan<float> sample, double t, Span<float> output)
    {
        float time = (float)t;
        for (int i = 0; i < sample.Length; i++)
        {
            output[i] = sample[i] * time / (time + 1);
        }
    }

    private static double Sum(float[] x)
    {
        double sum = 0;
        foreach (float value in x)
        {
            sum += Math.Abs(value);
        }

        return sum;
    }

    private static void AssertSumAndMean(float[] x, double sum, double sumTolerance, double mean, double meanTolerance)
    {
        double actual = Sum(x);
        actual.Should().BeApproximately(sum, sumTolerance, "Σ|x|");
        (actual / x.Length).Should().BeApproximately(mean, meanTolerance, "mean |x|");
    }
}
