using System.Security.Cryptography;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Diffusion.Schedulers;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Onnx;

namespace SpectroFlow.Diffusion.Tests.Pipelines;

/// <summary>
/// The step benchmark's fixtures and invariants: the generated full-size-shaped UNet block has SD 1.x's contract and
/// steps finitely; the loop allocates no latent-sized buffer per step (allocation counts are deterministic; timings
/// are never asserted).
/// </summary>
public sealed class UnetBenchmarkTests
{
    private static readonly string s_tinyUnet = Path.Combine(TestFiles.Fixture("tiny-sd"), "unet", "model.onnx");

    [Fact]
    public void GeneratedSdBlock_HasTheSdUnetContract_AndTheSameSeedWritesTheSameFile()
    {
        using var folder = new TemporaryDirectory();
        long parameters = SdUnetBlockModel.Write(folder.File("a.onnx"));
        SdUnetBlockModel.Write(folder.File("b.onnx"));

        SHA256.HashData(File.ReadAllBytes(folder.File("a.onnx"))).Should().Equal(SHA256.HashData(File.ReadAllBytes(folder.File("b.onnx"))));
        parameters.Should().BeGreaterThan(6_000_000, "one full-width down block, its time embedding and the text projections");
        using var unet = new Unet(OnnxModel.Load(folder.File("a.onnx"), new ExecutionProviders(ComputeDevice.Cpu, _ => { })));
        unet.Sample.Dimensions.Should().Equal(-1, 4, -1, -1);
        unet.Timestep.Dimensions.Should().Equal(-1);
        unet.Hidden.Dimensions.Should().Equal(-1, -1, 768);
        unet.Output.Dimensions.Should().Equal(-1, 4, -1, -1);
    }

    [Fact]
    public void GeneratedSdBlock_RunsOneGuidedStep_WithFiniteLatents()
    {
        var settings = new UnetBenchmarkSettings { Batch = 2, LatentHeight = 8, LatentWidth = 8 };
        using UnetBenchmark benchmark = UnetBenchmark.Load(SdUnetBlockModel.Temporary(), settings);
        float[] before = benchmark.Latents.ToArray();

        benchmark.Step();
        benchmark.BareRun();
        benchmark.Step();

        float[] after = benchmark.Latents.ToArray();
        after.Should().HaveCount(4 * 8 * 8).And.OnlyContain(v => float.IsFinite(v));
        after.Should().NotEqual(before, "the steps moved the latents");
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void TinyUnet_PipelineStep_AllocatesFarLessThanOneLatentPerStep(string scheduler)
    {
        var settings = new UnetBenchmarkSettings { Batch = 2, LatentHeight = 64, LatentWidth = 64, Scheduler = scheduler };
        using UnetBenchmark benchmark = UnetBenchmark.Load(s_tinyUnet, settings);

        UnetBenchmarkReport report = benchmark.Measure(steps: 8, warmup: 2);

        report.LatentBytes.Should().Be(4 * 64 * 64 * sizeof(float));
        report.UnetInputBytes.Should().Be(2 * report.LatentBytes);
        report.StepBytesPerStep.Should().BeLessThan(report.LatentBytes / 4.0, "the loop's buffers are allocated once per generation");
        report.BareBytesPerStep.Should().BeLessThan(report.LatentBytes / 4.0);
        report.PeakWorkingSetBytes.Should().BePositive();
        benchmark.Latents.ToArray().Should().OnlyContain(v => float.IsFinite(v));
    }

    [Fact]
    public void ModelFolder_UsesItsUnet_AndBadSettingsAreOneLine()
    {
        using (UnetBenchmark fromFolder = UnetBenchmark.Load(TestFiles.Fixture("tiny-sd"), new UnetBenchmarkSettings { LatentHeight = 8, LatentWidth = 8 }))
        {
            fromFolder.ModelPath.Should().Be(s_tinyUnet);
        }

        Action batch = () => UnetBenchmark.Load(s_tinyUnet, new UnetBenchmarkSettings { Batch = 3 });
        Action missing = () => UnetBenchmark.Load("/nonexistent/unet.onnx", new UnetBenchmarkSettings());

        batch.Should().Throw<Core.Errors.SpectroFlowException>().WithMessage("batch 3 must be 1 (no guidance) or 2 (guidance)");
        missing.Should().Throw<Core.Errors.InvalidModelException>().WithMessage("*/nonexistent/unet.onnx*not found*");
    }

    public static TheoryData<string> Schedulers() => [.. SchedulerFactory.Names];
}
