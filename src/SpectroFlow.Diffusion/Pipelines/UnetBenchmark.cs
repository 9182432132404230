using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Noise;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>What a <see cref="UnetBenchmark"/> runs.</summary>
public sealed record UnetBenchmarkSettings
{
    /// <summary>UNet batch: 2 = classifier-free guidance [uncond; cond] (the pipeline's default), 1 = none.</summary>
    public int Batch { get; init; } = 2;

    /// <summary>Latent height (image height / 8).</summary>
    public int LatentHeight { get; init; } = 64;

    /// <summary>Latent width (image width / 8).</summary>
    public int LatentWidth { get; init; } = 64;

    /// <summary>Text positions per prompt (CLIP's 77).</summary>
    public int Sequence { get; init; } = 77;

    /// <summary>The scheduler, by the names of <see cref="SchedulerFactory.Names"/>.</summary>
    public string Scheduler { get; init; } = "pndm";

    /// <summary>Steps of each generation the benchmark runs through before it starts the next (the pipeline's default 50).</summary>
    public int StepsPerGeneration { get; init; } = 50;

    /// <summary>Seed of the starting noise and of the stand-in text embeddings.</summary>
    public uint Seed { get; init; }

    /// <summary>Where to run.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Cpu;

    /// <summary>ONNX Runtime intra-op threads (0 = its default).</summary>
    public int Threads { get; init; }

    /// <summary>A one-line problem with these settings, or null.</summary>
    public string? Problem() => this switch
    {
        { Batch: not (1 or 2) } => $"batch {Batch} must be 1 (no guidance) or 2 (guidance)",
        { LatentHeight: < 1 } or { LatentWidth: < 1 } => $"latent size {LatentWidth}x{LatentHeight} must be at least 1x1",
        { Sequence: < 1 } => $"sequence length {Sequence} must be at least 1",
        // PNDM's repeated timestep runs past the 1000 training steps above 500 steps.
        { StepsPerGeneration: < 1 or > 500 } => $"steps per generation {StepsPerGeneration} must be from 1 to 500",
        _ when !SchedulerFactory.Names.Contains(Scheduler) => $"unknown scheduler '{Scheduler}' (known: {string.Join(", ", SchedulerFactory.Names)})",
        _ => null,
    };
}

/// <summary>One <see cref="UnetBenchmark.Measure"/> run: per-step medians of the bare model call and of the pipeline's step, their allocations and the process's peak memory.</summary>
public sealed record UnetBenchmarkReport
{
    /// <summary>The UNet file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The execution provider ("CPU" or "CUDA").</summary>
    public required string Device { get; init; }

    /// <summary>The settings measured.</summary>
    public required UnetBenchmarkSettings Settings { get; init; }

    /// <summary>Measured steps (each one bare call and one pipeline step).</summary>
    public required int Steps { get; init; }

    /// <summary>Unmeasured steps before them.</summary>
    public required int Warmup { get; init; }

    /// <summary>Median milliseconds of one bare <c>InferenceSession.Run</c> on the pre-bound inputs and output.</summary>
    public required double BareMedianMs { get; init; }

    /// <summary>Median milliseconds of one pipeline step (input staging, the same run, guidance, scheduler step, NaN check).</summary>
    public required double StepMedianMs { get; init; }

    /// <summary>Fastest bare call, milliseconds.</summary>
    public required double BareMinMs { get; init; }

    /// <summary>Fastest pipeline step, milliseconds.</summary>
    public required double StepMinMs { get; init; }

    /// <summary>
    /// Median over the measured pairs of (pipeline step − bare call), milliseconds: each pair runs back to back, so
    /// the machine's drift (other processes, clock) cancels better than in the difference of the medians.
    /// </summary>
    public required double PairedDifferenceMs { get; init; }

    /// <summary>Managed bytes one bare call allocates (mean over the measured steps, calling thread).</summary>
    public required double BareBytesPerStep { get; init; }

    /// <summary>Managed bytes one pipeline step allocates (mean over the measured steps, calling thread).</summary>
    public required double StepBytesPerStep { get; init; }

    /// <summary>Bytes of one image's float32 latents (4 × h × w × 4), the size of every buffer the loop moves.</summary>
    public required long LatentBytes { get; init; }

    /// <summary>Bytes of the UNet's batched sample input in its element type.</summary>
    public required long UnetInputBytes { get; init; }

    /// <summary>The process's peak working set (resident memory) at the end of the run, model load included.</summary>
    public required long PeakWorkingSetBytes { get; init; }

    /// <summary>The pipeline step's median over the bare call's, in percent above it.</summary>
    public double OverheadPercent => (StepMedianMs - BareMedianMs) / BareMedianMs * 100;
}

/// <summary>
/// The denoising loop's cost next to the model's: a UNet (alone, no text encoder or VAE) bound once as the pipeline binds
/// it, then either the bare <c>InferenceSession.Run</c> on those pre-bound native tensors or one step of the pipeline's
/// loop (<see cref="UnetStepper.Predict"/>, the scheduler's step, the NaN check) on the same tensors, with seeded noise
/// and stand-in text embeddings. Not thread-safe: one benchmark per thread.
/// </summary>
public sealed class UnetBenchmark : IDisposable
{
    private readonly Unet _unet;
    private readonly UnetBenchmarkSettings _settings;
    private readonly SchedulerConfig _schedulerConfig;
    private readonly string _device;
    private readonly UnetStepper _stepper;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _noise;
    private readonly float[] _latents;
    private readonly float[] _epsilon;
    private readonly float[] _stepNoise;
    private readonly double _guidance;
    private IDiffusionScheduler _scheduler = null!;
    private LegacyGaussian? _stepNoiseSource;
    private int _call;

    private UnetBenchmark(Unet unet, UnetBenchmarkSettings settings, SchedulerConfig schedulerConfig, string device)
    {
        _unet = unet;
        _settings = settings;
        _schedulerConfig = schedulerConfig;
        _device = device;
        int length = 4 * settings.LatentHeight * settings.LatentWidth;
        int width = unet.EmbeddingWidth > 0 ? unet.EmbeddingWidth : 768;
        float[] embeddings = new LegacyGaussian(unchecked(settings.Seed + 2)).Next(settings.Batch * settings.Sequence * width);
        _stepper = new UnetStepper(unet, embeddings, settings.Batch, settings.Sequence, settings.LatentHeight, settings.LatentWidth);
        _noise = new LegacyGaussian(settings.Seed).Next(length);
        _latents = new float[length];
        _epsilon = new float[length];
        _stepNoise = new float[length];
        _guidance = settings.Batch == 2 ? 7.5 : 1;
        StartGeneration(settings.StepsPerGeneration);
    }

    /// <summary>The UNet file.</summary>
    public string ModelPath => _unet.Model.Path;

    /// <summary>The execution provider in use ("CPU" or "CUDA").</summary>
    public string Device => _device;

    /// <summary>The settings.</summary>
    public UnetBenchmarkSettings Settings => _settings;

    /// <summary>Bytes of one image's float32 latents.</summary>
    public long LatentBytes => _latents.Length * sizeof(float);

    /// <summary>The latents after the last step.</summary>
    public ReadOnlySpan<float> Latents => _latents;

    /// <summary>
    /// Loads <paramref name="path"/>: a UNet .onnx file (default scheduler configuration), or a model folder (its
    /// unet/model.onnx and scheduler/scheduler_config.json). A bad path, model or setting is one error naming it.
    /// </summary>
    public static UnetBenchmark Load(string path, UnetBenchmarkSettings settings, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Problem() is { } problem)
        {
            throw new SpectroFlowException(problem);
        }

        string unetPath = path;
        var schedulerConfig = new SchedulerConfig();
        if (Directory.Exists(path))
        {
            unetPath = Path.Combine(path, "unet", "model.onnx");
            string configPath = Path.Combine(path, "scheduler", "scheduler_config.json");
            if (File.Exists(configPath))
            {
                schedulerConfig = SchedulerConfig.Load(configPath);
            }
        }

        var providers = new ExecutionProviders(settings.Device, log ?? (_ => { }), settings.Threads);
        var unet = new Unet(OnnxModel.Load(Path.GetFullPath(unetPath), providers));
        try
        {
            return new UnetBenchmark(unet, settings, schedulerConfig, providers.Active);
        }
        catch
        {
            unet.Dispose();
            throw;
        }
    }

    /// <summary>One bare model call on the tensors as the last step left them bound.</summary>
    public void BareRun() => _stepper.RunBound(_runOptions);

    /// <summary>
    /// One step of the pipeline's loop: the next UNet call of the current generation, then the scheduler's step and the
    /// NaN check on the latents. After the generation's last call the next one starts (a new scheduler: its history
    /// buffers are the allocation a generation makes once).
    /// </summary>
    public void Step()
    {
        if (_call == _scheduler.CallCount)
        {
            StartGeneration(_settings.StepsPerGeneration);
        }

        int call = _call++;
        _stepper.Predict(_latents, _scheduler.InputScale(call), _scheduler.Timestep(call), _guidance, _epsilon, _runOptions);
        ReadOnlySpan<float> noise = default;
        if (_stepNoiseSource is { } source)
        {
            source.Fill(_stepNoise);
            noise = _stepNoise;
        }

        _scheduler.Step(_epsilon, call, _latents, noise);
        StableDiffusionPipeline.CheckFinite(_unet.Model.Path, _latents, call, _scheduler);
    }

    /// <summary>
    /// Starts a generation, runs <paramref name="warmup"/> steps (bare call and pipeline step each), then
    /// <paramref name="steps"/> measured pairs, alternating which of the two goes first, and reports medians,
    /// allocations per step and the peak working set. Generations have <see cref="UnetBenchmarkSettings.StepsPerGeneration"/>
    /// steps; the first step of each later one (the scheduler's history is allocated there, once per generation) is
    /// run unmeasured.
    /// </summary>
    public UnetBenchmarkReport Measure(int steps, int warmup = 2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        warmup = Math.Max(1, warmup);
        _runOptions.Terminate = false;
        using CancellationTokenRegistration registration = cancellationToken.Register(() => _runOptions.Terminate = true);
        StartGeneration(_settings.StepsPerGeneration);
        var bare = new double[steps];
        var ours = new double[steps];
        long bareBytes = 0;
        long stepBytes = 0;
        try
        {
            for (int i = 0; i < warmup; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Step();
                BareRun();
            }

            for (int i = 0; i < steps; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_call == _scheduler.CallCount)
                {
                    StartGeneration(_settings.StepsPerGeneration);
                    Step();
                    BareRun();
                }

                if (i % 2 == 0)
                {
                    bare[i] = TimeBare(ref bareBytes);
                    ours[i] = TimeStep(ref stepBytes);
                }
                else
                {
                    ours[i] = TimeStep(ref stepBytes);
                    bare[i] = TimeBare(ref bareBytes);
                }
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new SpectroFlowException($"{ModelPath}: UNet run failed: {OnnxModel.FirstLine(ex.Message)}", ex);
        }

        using Process process = Process.GetCurrentProcess();
        process.Refresh();
        return new UnetBenchmarkReport
        {
            ModelPath = ModelPath,
            Device = _device,
            Settings = _settings,
            Steps = steps,
            Warmup = warmup,
            BareMedianMs = Median(bare),
            StepMedianMs = Median(ours),
            BareMinMs = bare.Min(),
            StepMinMs = ours.Min(),
            PairedDifferenceMs = Median([.. ours.Zip(bare, (step, run) => step - run)]),
            BareBytesPerStep = (double)bareBytes / steps,
            StepBytesPerStep = (double)stepBytes / steps,
            LatentBytes = LatentBytes,
            UnetInputBytes = (long)_settings.Batch * _latents.Length * (_unet.Sample.IsHalf ? 2 : 4),
            PeakWorkingSetBytes = process.PeakWorkingSet64,
        };
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stepper.Dispose();
        _runOptions.Dispose();
        _unet.Dispose();
    }

    private double TimeBare(ref long bytes)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        BareRun();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        bytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
        return elapsed;
    }

    private double TimeStep(ref long bytes)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Step();
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        bytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
        return elapsed;
    }

    private void StartGeneration(int steps)
    {
        _scheduler = SchedulerFactory.Create(_settings.Scheduler, _schedulerConfig, steps);
        _stepNoiseSource = _scheduler.NeedsStepNoise ? new LegacyGaussian(unchecked(_settings.Seed + 1)) : null;
        float sigma = (float)_scheduler.InitNoiseSigma;
        for (int i = 0; i < _latents.Length; i++)
        {
            _latents[i] = _noise[i] * sigma;
        }

        _call = 0;
    }

    private static double Median(double[] values)
    {
        double[] sorted = [.. values.Order()];
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
