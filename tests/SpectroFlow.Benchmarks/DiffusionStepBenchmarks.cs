using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Onnx;

namespace SpectroFlow.Benchmarks;

/// <summary>
/// One denoising step of the pipeline's loop against a bare <c>InferenceSession.Run</c> on the same bound UNet
/// tensors (guidance batch 2, 64x64 latents = a 512x512 image), on the tiny fixture UNet: the loop's own cost shows
/// against a model step of a few milliseconds.
/// Run: dotnet run -c Release --project tests/SpectroFlow.Benchmarks -- --filter '*TinyUnetStep*'
/// </summary>
[MemoryDiagnoser]
public class TinyUnetStepBenchmarks : UnetStepBenchmarks
{
    protected override string ModelPath => Path.Combine(TestFiles.Fixture("tiny-sd"), "unet", "model.onnx");
}

/// <summary>
/// The same on the full-size-shaped SD UNet block (<see cref="SdUnetBlockModel"/>: 320 channels, 4096-token attention
/// with 8 heads, cross-attention to 77x768 text), a step of seconds on a CPU: one invocation per iteration.
/// Run: dotnet run -c Release --project tests/SpectroFlow.Benchmarks -- --filter '*SdBlockStep*'
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class SdBlockStepBenchmarks : UnetStepBenchmarks
{
    protected override string ModelPath => SdUnetBlockModel.Temporary();
}

/// <summary>
/// The shared setup: the UNet bound once for a 64x64 guided generation, a few warm-up steps. Euler in 500-step
/// generations: BenchmarkDotNet runs thousands of steps back to back, and a multistep scheduler's history (PNDM: six
/// latent buffers, allocated once per generation) would show in the Allocated column as a per-step average;
/// `spectroflow bench-diffusion` measures PNDM's steady state within one generation instead.
/// </summary>
public abstract class UnetStepBenchmarks
{
    private UnetBenchmark _benchmark = null!;

    protected abstract string ModelPath { get; }

    [GlobalSetup]
    public void Setup()
    {
        _benchmark = UnetBenchmark.Load(ModelPath, new UnetBenchmarkSettings
        {
            Batch = 2,
            LatentHeight = 64,
            LatentWidth = 64,
            Scheduler = "euler",
            StepsPerGeneration = 500,
        });
        for (int i = 0; i < 3; i++)
        {
            _benchmark.Step();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _benchmark.Dispose();

    [Benchmark(Baseline = true, Description = "bare session.Run (pre-bound inputs)")]
    public void BareRun() => _benchmark.BareRun();

    [Benchmark(Description = "pipeline step (staging, run, guidance, Euler, NaN check)")]
    public void PipelineStep() => _benchmark.Step();
}
