using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.TestKit;

namespace SpectroFlow.Diffusion.Tests.Pipelines;

/// <summary>Failures inside a generation: NaN/Inf reported with the step, cancellation within one step, wide tiled decode.</summary>
public sealed class PipelineFailureTests : IClassFixture<PipelineReferenceTests.Models>
{
    private readonly StableDiffusionModel _model;

    public PipelineFailureTests(PipelineReferenceTests.Models models)
    {
        _model = models.Get("tiny-sd");
    }

    [Fact]
    public void InfiniteLatents_AreReportedWithTheStep()
    {
        var pipeline = new StableDiffusionPipeline(_model);
        float[] huge = [.. Enumerable.Repeat(3e38f, 256)];

        Action run = () => pipeline.Generate(new DiffusionRequest
        {
            Prompt = "x",
            InitNoise = huge,
            Settings = new DiffusionSettings { Width = 64, Height = 64, Steps = 3, Scheduler = "euler" },
        });

        run.Should().Throw<SpectroFlowException>().WithMessage("*step 1 of 3*NaN or Inf*");
    }

    [Fact]
    public void Cancellation_StopsWithinOneStep()
    {
        var pipeline = new StableDiffusionPipeline(_model);
        using var cancellation = new CancellationTokenSource();
        var observer = new CancelAfterFirstStep(cancellation);

        Action run = () => pipeline.Generate(
            new DiffusionRequest { Prompt = "x", Settings = new DiffusionSettings { Width = 64, Height = 64, Steps = 20 } },
            observer,
            cancellation.Token);

        run.Should().Throw<OperationCanceledException>();
        observer.Steps.Should().Be(1);
    }

    [Fact]
    public void WideImage_IsDecodedInTiles_CloseToAWholeDecode()
    {
        var decoder = new VaeDecoder(OnnxModel.Load(Path.Combine(TestFiles.Fixture("tiny-sd"), "vae_decoder", "model.onnx"), new ExecutionProviders(ComputeDevice.Cpu, _ => { })));
        float[] latents = new Noise.LegacyGaussian(3).Next(4 * 8 * 80);

        float[] whole = decoder.Decode(latents, 8, 80, CancellationToken.None, maxTile: 1000);
        float[] tiled = decoder.Decode(latents, 8, 80, CancellationToken.None, maxTile: 32);

        tiled.Should().HaveCount(whole.Length);
        double worst = whole.Zip(tiled, (a, b) => Math.Abs(a - b)).Max();
        // One 8-bit level is 2/255 in the decoder's [-1, 1] range: tile seams stay below it, yet the tiled path really ran.
        worst.Should().BeLessThan(2.0 / 255, "the overlaps are cross-faded, so each tile's zero-padded edge barely counts");
        worst.Should().BeGreaterThan(0, "a tiled decode is not the whole decode");
        decoder.Dispose();
    }

    private sealed class CancelAfterFirstStep(CancellationTokenSource source) : IDiffusionObserver
    {
        public int Steps { get; private set; }

        public void Step(int call, int calls, ReadOnlySpan<float> latents)
        {
            Steps++;
            source.Cancel();
        }
    }
}
