namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// PNDM with skip_prk_steps (PLMS), Stable Diffusion's and Riffusion's default, with diffusers' semantics: N steps run
/// N + 1 UNet calls (the second timestep repeats for a Heun-like correction), noise predictions combined by linear
/// multistep (orders 1-4) and moved with PNDM's transfer (eq. 9). The state machine is counter-based, as diffusers':
/// an img2img run that starts mid-schedule feeds it literally. State is per image: make one instance per generation.
/// </summary>
public sealed class PndmScheduler : IDiffusionScheduler
{
    private const int MaxHistory = 4;
    private readonly NoiseSchedule _schedule;
    private readonly double _finalAlpha;
    private readonly int _stride;
    private readonly int[] _timesteps;
    private readonly float[][] _history = new float[MaxHistory][];
    private float[] _combined = [];
    private float[] _firstSample = [];
    private int _historyCount;
    private int _counter;

    /// <summary>
    /// Prepares <paramref name="steps"/> steps (leading spacing, steps_offset 1, as SD's config); <paramref name="setAlphaToOne"/>
    /// makes the last step land on ᾱ = 1 instead of ᾱ_0 (SD's file says false).
    /// </summary>
    public PndmScheduler(NoiseSchedule schedule, int steps, int stepsOffset = 1, bool setAlphaToOne = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _finalAlpha = setAlphaToOne ? 1.0 : schedule.AlphasCumprod[0];
        _schedule = schedule;
        _stride = schedule.TrainSteps / steps;
        int[] leading = [.. schedule.Timesteps(steps, TimestepSpacing.Leading, stepsOffset).Select(t => (int)t)];
        if (steps == 1)
        {
            _timesteps = leading;
            return;
        }

        // diffusers: ascending base[:-1] + base[-2:-1] + base[-1:], reversed: 981, 961, 961, 941 … 1 for 50 steps.
        _timesteps = [leading[0], leading[1], .. leading[1..]];
    }

    /// <inheritdoc/>
    public string Name => "pndm";

    /// <summary>The UNet timesteps, descending (one more than the steps).</summary>
    public IReadOnlyList<int> Timesteps => _timesteps;

    /// <inheritdoc/>
    public int CallCount => _timesteps.Length;

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public double InitNoiseSigma => 1;

    /// <inheritdoc/>
    public bool NeedsStepNoise => false;

    /// <inheritdoc/>
    public double Timestep(int index) => _timesteps[index];

    /// <inheritdoc/>
    public double InputScale(int index) => 1;

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> clean, ReadOnlySpan<float> noise, int index, Span<float> noised) =>
        _schedule.AddNoise(clean, noise, _timesteps[index], noised);

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> epsilon, int index, Span<float> sample, ReadOnlySpan<float> noise = default)
    {
        EnsureBuffers(sample.Length);
        int t = _timesteps[index];
        int previous = t - _stride;
        if (_counter == 1)
        {
            // The repeated timestep: average with the first prediction and redo the first move from the first sample.
            previous = t;
            t += _stride;
            float[] first = _history[(_historyCount - 1) % MaxHistory];
            for (int i = 0; i < _combined.Length; i++)
            {
                _combined[i] = (epsilon[i] + first[i]) / 2;
            }

            _firstSample.CopyTo(sample);
        }
        else
        {
            epsilon.CopyTo(_history[_historyCount % MaxHistory]);
            _historyCount++;
            Combine();
            if (_counter == 0)
            {
                sample.CopyTo(_firstSample);
            }
        }

        Transfer(t, previous, sample);
        _counter++;
    }

    private void EnsureBuffers(int length)
    {
        if (_combined.Length == length)
        {
            return;
        }

        for (int i = 0; i < MaxHistory; i++)
        {
            _history[i] = new float[length];
        }

        _combined = new float[length];
        _firstSample = new float[length];
    }

    /// <summary>Adams-Bashforth combination of the last (up to four) predictions, newest last.</summary>
    private void Combine()
    {
        int n = Math.Min(_historyCount, MaxHistory);
        float[] e0 = Recent(0);
        switch (n)
        {
            case 1:
                e0.CopyTo(_combined, 0);
                break;
            case 2:
                float[] e1 = Recent(1);
                for (int i = 0; i < _combined.Length; i++)
                {
                    _combined[i] = ((3 * e0[i]) - e1[i]) / 2;
                }

                break;
            case 3:
                float[] f1 = Recent(1);
                float[] f2 = Recent(2);
                for (int i = 0; i < _combined.Length; i++)
                {
                    _combined[i] = ((23 * e0[i]) - (16 * f1[i]) + (5 * f2[i])) / 12;
                }

                break;
            default:
                float[] g1 = Recent(1);
                float[] g2 = Recent(2);
                float[] g3 = Recent(3);
                for (int i = 0; i < _combined.Length; i++)
                {
                    _combined[i] = ((55 * e0[i]) - (59 * g1[i]) + (37 * g2[i]) - (9 * g3[i])) / 24;
                }

                break;
        }
    }

    /// <summary>The prediction <paramref name="back"/> calls before the newest (0 = newest).</summary>
    private float[] Recent(int back) => _history[(_historyCount - 1 - back) % MaxHistory];

    /// <summary>PNDM eq. 9: x_prev = √(ᾱp/ᾱt) x − (ᾱp − ᾱt) ε / (ᾱt √(1−ᾱp) + √(ᾱt (1−ᾱt) ᾱp)).</summary>
    private void Transfer(int t, int previous, Span<float> sample)
    {
        double alpha = _schedule.AlphasCumprod[t];
        double alphaPrevious = previous >= 0 ? _schedule.AlphasCumprod[previous] : _finalAlpha;
        double sampleCoefficient = Math.Sqrt(alphaPrevious / alpha);
        double denominator = (alpha * Math.Sqrt(1 - alphaPrevious)) + Math.Sqrt(alpha * (1 - alpha) * alphaPrevious);
        double epsilonCoefficient = (alphaPrevious - alpha) / denominator;
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = (float)((sampleCoefficient * sample[i]) - (epsilonCoefficient * _combined[i]));
        }
    }
}
