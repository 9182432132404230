using Microsoft.ML.OnnxRuntime;
using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Noise;
using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>
/// Text-to-image, image-to-image and Riffusion interpolation on a loaded <see cref="StableDiffusionModel"/>, with
/// diffusers' and Riffusion's arithmetic. Thread-safe: each call builds its own scheduler, tensors and buffers.
/// After every step the latents are checked for NaN/Inf (reported with the step); cancellation stops the running
/// UNet call through ONNX Runtime's terminate flag, so a run stops within one step and returns nothing.
/// </summary>
public sealed class StableDiffusionPipeline
{
    private readonly StableDiffusionModel _model;
    private readonly Action<string> _warn;

    /// <summary>Uses <paramref name="model"/>; <paramref name="warn"/> receives one line per truncated prompt.</summary>
    public StableDiffusionPipeline(StableDiffusionModel model, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _warn = warn ?? (_ => { });
    }

    /// <summary>Text-to-image, or image-to-image when <see cref="DiffusionRequest.InitImage"/> is set.</summary>
    public DiffusionResult Generate(DiffusionRequest request, IDiffusionObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DiffusionSettings settings = Check(request.Settings);
        int length = settings.LatentLength;
        float[] noise = request.InitNoise is { } given ? CheckLength(given, length, "init noise") : new LegacyGaussian(request.Seed).Next(length);
        bool guided = settings.Guidance > 1;
        float[] cond = EncodePrompt(request.Prompt);
        float[] embeddings = guided ? [.. EncodePrompt(request.NegativePrompt), .. cond] : cond;
        var plan = new Plan(settings, embeddings, guided ? 2 : 1, noise)
        {
            Seed = request.Seed,
            StepNoise = request.StepNoise,
            InitImage = request.InitImage,
            Strength = request.Strength,
            Rule = request.Rule,
            RepaintMask = request.RepaintMask,
        };
        return Run(plan, observer, cancellationToken);
    }

    /// <summary>Riffusion's interpolation at <see cref="InterpolationRequest.Alpha"/>.</summary>
    public DiffusionResult Interpolate(InterpolationRequest request, IDiffusionObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        double alpha = request.Alpha;
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new SpectroFlowException($"alpha {alpha} must be between 0 and 1");
        }

        double guidance = (request.Start.Guidance * (1 - alpha)) + (request.End.Guidance * alpha);
        DiffusionSettings settings = Check(request.Settings with { Guidance = guidance });
        int length = settings.LatentLength;
        float[] startNoise = request.StartNoise is { } a ? CheckLength(a, length, "start noise") : new LegacyGaussian(request.Start.Seed).Next(length);
        float[] endNoise = request.EndNoise is { } b ? CheckLength(b, length, "end noise") : new LegacyGaussian(request.End.Seed).Next(length);
        float[] start = EncodePrompt(request.Start.Prompt);
        float[] end = EncodePrompt(request.End.Prompt);
        var text = new float[start.Length];
        for (int i = 0; i < text.Length; i++)
        {
            text[i] = start[i] + ((float)alpha * (end[i] - start[i]));
        }

        bool guided = guidance > 1;
        float[] embeddings = guided ? [.. EncodePrompt(string.Empty), .. text] : text;
        var plan = new Plan(settings, embeddings, guided ? 2 : 1, Slerp(alpha, startNoise, endNoise))
        {
            Seed = request.Start.Seed,
            InitImage = request.InitImage,
            Strength = (request.Start.Denoising * (1 - alpha)) + (request.End.Denoising * alpha),
            Rule = StrengthRule.Legacy,
            RepaintMask = request.RepaintMask,
        };
        return Run(plan, observer, cancellationToken);
    }

    /// <summary>
    /// Riffusion's slerp of two noise tensors: dot of the normalised tensors; above 0.9995 in magnitude a plain lerp,
    /// else sin((1 − t)θ)/sin θ · v0 + sin(tθ)/sin θ · v1.
    /// </summary>
    public static float[] Slerp(double t, ReadOnlySpan<float> v0, ReadOnlySpan<float> v1)
    {
        if (v0.Length != v1.Length)
        {
            throw new ArgumentException("Both noise tensors must have the same length.", nameof(v1));
        }

        double norm0 = 0;
        double norm1 = 0;
        for (int i = 0; i < v0.Length; i++)
        {
            norm0 += (double)v0[i] * v0[i];
            norm1 += (double)v1[i] * v1[i];
        }

        double denominator = Math.Sqrt(norm0) * Math.Sqrt(norm1);
        double dot = 0;
        for (int i = 0; i < v0.Length; i++)
        {
            dot += v0[i] * (double)v1[i] / denominator;
        }

        double w0;
        double w1;
        if (Math.Abs(dot) > 0.9995)
        {
            w0 = 1 - t;
            w1 = t;
        }
        else
        {
            double theta = Math.Acos(dot);
            double sinTheta = Math.Sin(theta);
            w0 = Math.Sin(theta - (theta * t)) / sinTheta;
            w1 = Math.Sin(theta * t) / sinTheta;
        }

        var result = new float[v0.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = (float)((w0 * v0[i]) + (w1 * v1[i]));
        }

        return result;
    }

    /// <summary>
    /// The UNet calls an img2img run makes: (noise call, first call) for <paramref name="strength"/> under
    /// <paramref name="rule"/>; first call = call count means nothing is denoised.
    /// </summary>
    public static (int NoiseCall, int FirstCall) Img2ImgStart(IDiffusionScheduler scheduler, int steps, int stepsOffset, double strength, StrengthRule rule)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (rule == StrengthRule.Legacy)
        {
            int init = Math.Min((int)Math.Floor(steps * strength) + stepsOffset, steps);
            int first = Math.Max(steps - init + stepsOffset, 0);
            return (Math.Clamp(scheduler.CallCount - init, 0, scheduler.CallCount - 1), Math.Min(first, scheduler.CallCount));
        }

        int kept = Math.Min((int)Math.Floor(steps * strength), steps);
        int start = Math.Min(Math.Max(steps - kept, 0) * scheduler.Order, scheduler.CallCount);
        return (Math.Min(start, scheduler.CallCount - 1), start);
    }

    private static DiffusionSettings Check(DiffusionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problem() is { } problem)
        {
            throw new SpectroFlowException(problem);
        }

        return settings;
    }

    private static float[] CheckLength(float[] values, int length, string what)
    {
        if (values.Length != length)
        {
            throw new SpectroFlowException($"{what} has {values.Length} values, expected {length} for this size");
        }

        return values;
    }

    private float[] EncodePrompt(string prompt)
    {
        int[] ids = _model.Tokenizer.Encode(prompt, out int truncated);
        if (truncated > 0)
        {
            string shown = prompt.Length > 40 ? prompt[..40] + "…" : prompt;
            _warn($"prompt \"{shown}\" is longer than 77 tokens: the last {truncated} tokens were dropped");
        }

        return _model.TextEncoder.Encode(ids);
    }

    private DiffusionResult Run(Plan plan, IDiffusionObserver? observer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        DiffusionSettings settings = plan.Settings;
        int length = settings.LatentLength;
        int height = settings.LatentHeight;
        int width = settings.LatentWidth;
        IDiffusionScheduler scheduler = SchedulerFactory.Create(settings.Scheduler, _model.SchedulerConfig, settings.Steps, settings.Eta);
        observer?.TextEmbeddings(plan.Embeddings);

        var latents = new float[length];
        float[]? initLatents = null;
        int first = 0;
        if (plan.InitImage is { } image)
        {
            if (image.Length != 3 * settings.Width * settings.Height)
            {
                throw new SpectroFlowException(
                    $"init image has {image.Length / 3} pixels, expected {settings.Width}x{settings.Height}");
            }

            initLatents = _model.Encoder.Encode(image, settings.Height, settings.Width);
            float scale = (float)_model.VaeScale;
            for (int i = 0; i < initLatents.Length; i++)
            {
                initLatents[i] *= scale;
            }

            (int noiseCall, first) = Img2ImgStart(scheduler, settings.Steps, _model.SchedulerConfig.StepsOffset, plan.Strength, plan.Rule);
            scheduler.AddNoise(initLatents, plan.Noise, noiseCall, latents);
            observer?.InitLatents(initLatents, latents);
        }
        else
        {
            float sigma = (float)scheduler.InitNoiseSigma;
            for (int i = 0; i < length; i++)
            {
                latents[i] = plan.Noise[i] * sigma;
            }
        }

        if (plan.RepaintMask is { } repaint && repaint.Length != height * width)
        {
            throw new SpectroFlowException($"mask has {repaint.Length} latent pixels, expected {width}x{height}");
        }

        StepNoise stepNoise = StepNoise.For(scheduler, plan, length);
        var epsilon = new float[length];
        var kept = plan.RepaintMask is null ? [] : new float[length];
        int sequence = plan.Embeddings.Length / plan.Batch / _model.EmbeddingWidth;
        using var stepper = new UnetStepper(_model.Unet, plan.Embeddings, plan.Batch, sequence, height, width);
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration registration = cancellationToken.Register(() => runOptions.Terminate = true);
        for (int call = first; call < scheduler.CallCount; call++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                stepper.Predict(latents, scheduler.InputScale(call), scheduler.Timestep(call), settings.Guidance, epsilon, runOptions);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new SpectroFlowException(
                    $"{_model.Unet.Model.Path}: UNet call {call + 1} (t={scheduler.Timestep(call):0.##}) failed: {Onnx.OnnxModel.FirstLine(ex.Message)}", ex);
            }

            observer?.UnetCall(call, stepper.LastInput, stepper.LastOutput);
            scheduler.Step(epsilon, call, latents, stepNoise.Next(call));
            if (plan.RepaintMask is { } mask && initLatents is not null)
            {
                // Riffusion: latents = add_noise(init, noise, t) · keep + latents · (1 − keep), keep = 1 − repaint.
                scheduler.AddNoise(initLatents, plan.Noise, call, kept);
                int plane = height * width;
                for (int i = 0; i < length; i++)
                {
                    float repaintWeight = mask[i % plane];
                    latents[i] = (kept[i] * (1 - repaintWeight)) + (latents[i] * repaintWeight);
                }
            }

            CheckFinite(_model.Unet.Model.Path, latents, call, scheduler);
            observer?.Step(call, scheduler.CallCount, latents);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var unscaled = new float[length];
        float inverse = (float)(1 / _model.VaeScale);
        for (int i = 0; i < length; i++)
        {
            unscaled[i] = latents[i] * inverse;
        }

        float[] pixels = _model.Decoder.Decode(unscaled, height, width, cancellationToken);
        for (int i = 0; i < pixels.Length; i++)
        {
            if (!float.IsFinite(pixels[i]))
            {
                throw new SpectroFlowException($"{_model.Decoder.Model.Path}: the VAE decoder produced NaN or Inf");
            }
        }

        return new DiffusionResult(latents, pixels, settings.Width, settings.Height);
    }

    /// <summary>The loop's check after every step: NaN or Inf latents are one error naming the UNet and the step.</summary>
    internal static void CheckFinite(string unetPath, ReadOnlySpan<float> latents, int call, IDiffusionScheduler scheduler)
    {
        for (int i = 0; i < latents.Length; i++)
        {
            if (!float.IsFinite(latents[i]))
            {
                throw new SpectroFlowException(
                    $"{unetPath}: step {call + 1} of {scheduler.CallCount} (t={scheduler.Timestep(call):0.##}) produced NaN or Inf latents");
            }
        }
    }

    private sealed record Plan(DiffusionSettings Settings, float[] Embeddings, int Batch, float[] Noise)
    {
        public uint Seed { get; init; }

        public float[]? StepNoise { get; init; }

        public float[]? InitImage { get; init; }

        public double Strength { get; init; } = 1;

        public StrengthRule Rule { get; init; }

        public float[]? RepaintMask { get; init; }
    }

    /// <summary>Per-call Gaussian noise for ancestral schedulers: from a file, or from the seed's stream after the starting noise.</summary>
    private sealed class StepNoise
    {
        private readonly float[]? _file;
        private readonly LegacyGaussian? _generator;
        private readonly float[] _buffer;
        private readonly int _length;

        private StepNoise(float[]? file, LegacyGaussian? generator, int length)
        {
            _file = file;
            _generator = generator;
            _length = length;
            _buffer = generator is null ? [] : new float[length];
        }

        public static StepNoise For(IDiffusionScheduler scheduler, Plan plan, int length)
        {
            if (!scheduler.NeedsStepNoise)
            {
                return new StepNoise(null, null, length);
            }

            if (plan.StepNoise is { } file)
            {
                if (file.Length != scheduler.CallCount * length)
                {
                    throw new SpectroFlowException(
                        $"step noise has {file.Length} values, expected {scheduler.CallCount * length} ({scheduler.CallCount} calls x 1 x 4 x latent size)");
                }

                return new StepNoise(file, null, length);
            }

            // A stream of its own (seed + 1) so the starting noise stays numpy's RandomState(seed).standard_normal.
            return new StepNoise(null, new LegacyGaussian(unchecked(plan.Seed + 1)), length);
        }

        public ReadOnlySpan<float> Next(int call)
        {
            if (_file is not null)
            {
                return _file.AsSpan(call * _length, _length);
            }

            if (_generator is null)
            {
                return default;
            }

            _generator.Fill(_buffer);
            return _buffer;
        }
    }
}
