using System.Text.Json;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.TestKit;

namespace SpectroFlow.Diffusion.Tests.Pipelines;

/// <summary>
/// Every pipeline case of the tiny fixtures (random weights, the real SD 1.x I/O contract) reproduced through the
/// library, checked at each stage with the fixtures' tolerances: text embeddings, the first UNet input and output,
/// the latents after every scheduler call, the final latents and the decoder output.
/// </summary>
public sealed class PipelineReferenceTests : IClassFixture<PipelineReferenceTests.Models>
{
    private readonly Models _models;

    public PipelineReferenceTests(Models models)
    {
        _models = models;
    }

    public static TheoryData<string, string> Cases => ReferenceCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Case_MatchesTheReference_AtEveryStage(string model, string id)
    {
        ReferenceCases cases = ReferenceCases.Load(model);
        JsonElement item = cases.Case(id);
        JsonElement expected = item.GetProperty("expected");
        var recorder = new Recorder();
        DiffusionResult result = Run(_models.Get(model), cases, item, recorder);

        AssertClose(recorder.Embeddings, cases.Tensor(expected.GetProperty("text_embeddings")), 1e-5, "text embeddings");
        AssertClose(recorder.FirstInput, cases.Tensor(expected.GetProperty("unet_input_step0")), 1e-5, "first UNet input");
        AssertClose(recorder.FirstOutput, cases.Tensor(expected.GetProperty("unet_out_step0")), 1e-5, "first UNet output");
        if (expected.TryGetProperty("noised_latents", out JsonElement noised))
        {
            AssertClose(recorder.Init, cases.Tensor(expected.GetProperty("init_latents")), 5e-4, "init latents");
            AssertClose(recorder.Noised, cases.Tensor(noised), 5e-4, "noised latents");
        }

        float[] steps = cases.Tensor(expected.GetProperty("step_latents"));
        recorder.Steps.Should().HaveCount(item.GetProperty("unet_calls").GetInt32(), "one scheduler step per UNet call");
        int latent = result.Latents.Length;
        for (int k = 0; k < recorder.Steps.Count; k++)
        {
            AssertClose(recorder.Steps[k], steps.AsSpan(k * latent, latent).ToArray(), 5e-4, $"latents after call {k + 1}");
        }

        AssertClose(result.Latents, cases.Tensor(expected.GetProperty("latents")), 5e-4, "final latents");
        AssertClose(result.Image, cases.Tensor(expected.GetProperty("image")), 2e-4, "decoded image");
    }

    [Fact]
    public void SeededNoise_IsNumpysLegacyStandardNormal()
    {
        ReferenceCases cases = ReferenceCases.Load("tiny-sd");
        JsonElement noise = cases.Case("txt2img_pndm_64x64").GetProperty("inputs").GetProperty("noise");

        float[] generated = new Noise.LegacyGaussian(42).Next(256);

        generated.Should().Equal(cases.Tensor(noise), "the file is numpy RandomState(42).standard_normal((1, 4, 8, 8)) as float32");
    }

    internal static DiffusionResult Run(StableDiffusionModel model, ReferenceCases cases, JsonElement item, IDiffusionObserver observer)
    {
        var pipeline = new StableDiffusionPipeline(model);
        JsonElement inputs = item.GetProperty("inputs");
        var settings = new DiffusionSettings
        {
            Width = item.GetProperty("width").GetInt32(),
            Height = item.GetProperty("height").GetInt32(),
            Steps = item.GetProperty("num_inference_steps").GetInt32(),
            Guidance = item.GetProperty("guidance_scale").GetDouble(),
            Scheduler = item.GetProperty("scheduler").GetProperty("name").GetString()!,
        };
        string kind = item.GetProperty("kind").GetString()!;
        if (kind == "interpolate_riffusion")
        {
            JsonElement start = item.GetProperty("start");
            JsonElement end = item.GetProperty("end");
            return pipeline.Interpolate(
                new InterpolationRequest
                {
                    Start = new PromptSide(start.GetProperty("prompt").GetString()!, 0, start.GetProperty("guidance").GetDouble(), start.GetProperty("denoising").GetDouble()),
                    End = new PromptSide(end.GetProperty("prompt").GetString()!, 0, end.GetProperty("guidance").GetDouble(), end.GetProperty("denoising").GetDouble()),
                    Alpha = item.GetProperty("alpha").GetDouble(),
                    InitImage = cases.Tensor(inputs.GetProperty("init_image")),
                    Settings = settings,
                    StartNoise = cases.Tensor(inputs.GetProperty("noise_a")),
                    EndNoise = cases.Tensor(inputs.GetProperty("noise_b")),
                },
                observer);
        }

        var request = new DiffusionRequest
        {
            Prompt = item.GetProperty("prompt").GetString()!,
            NegativePrompt = item.GetProperty("negative_prompt").GetString()!,
            Settings = settings,
            InitNoise = cases.Tensor(inputs.GetProperty("noise")),
        };
        if (kind == "img2img_legacy")
        {
            request = request with
            {
                InitImage = cases.Tensor(inputs.GetProperty("init_image")),
                Strength = item.GetProperty("strength").GetDouble(),
                Rule = StrengthRule.Legacy,
            };
        }

        return pipeline.Generate(request, observer);
    }

    internal static void AssertClose(float[] actual, float[] expected, double tolerance, string what)
    {
        actual.Should().HaveCount(expected.Length, what);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs(actual[i] - expected[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                at = i;
            }
        }

        worst.Should().BeLessThanOrEqualTo(tolerance, $"{what}: largest difference at index {at}");
    }

    /// <summary>Loads each fixture model once for all cases.</summary>
    public sealed class Models : IDisposable
    {
        private readonly Dictionary<string, StableDiffusionModel> _loaded = [];
        private readonly Lock _gate = new();

        public StableDiffusionModel Get(string name)
        {
            lock (_gate)
            {
                if (!_loaded.TryGetValue(name, out StableDiffusionModel? model))
                {
                    model = StableDiffusionModel.Load(TestFiles.Fixture(name), ComputeDevice.Cpu, _ => { });
                    _loaded[name] = model;
                }

                return model;
            }
        }

        public void Dispose()
        {
            foreach (StableDiffusionModel model in _loaded.Values)
            {
                model.Dispose();
            }
        }
    }

    private sealed class Recorder : IDiffusionObserver
    {
        public float[] Embeddings { get; private set; } = [];

        public float[] FirstInput { get; private set; } = [];

        public float[] FirstOutput { get; private set; } = [];

        public float[] Init { get; private set; } = [];

        public float[] Noised { get; private set; } = [];

        public List<float[]> Steps { get; } = [];

        public void TextEmbeddings(ReadOnlySpan<float> embeddings) => Embeddings = embeddings.ToArray();

        public void InitLatents(ReadOnlySpan<float> initLatents, ReadOnlySpan<float> noised)
        {
            Init = initLatents.ToArray();
            Noised = noised.ToArray();
        }

        public void UnetCall(int call, ReadOnlySpan<float> input, ReadOnlySpan<float> output)
        {
            if (FirstInput.Length == 0)
            {
                FirstInput = input.ToArray();
                FirstOutput = output.ToArray();
            }
        }

        public void Step(int call, int calls, ReadOnlySpan<float> latents) => Steps.Add(latents.ToArray());
    }
}
