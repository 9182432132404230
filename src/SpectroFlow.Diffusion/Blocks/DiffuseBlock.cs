using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Diffusion.Pipelines;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>Options of <see cref="DiffuseBlock"/>.</summary>
[ProducesMetadata(DiffuseBlock.PromptKey, DiffuseBlock.SeedKey, "width", "height")]
public sealed class DiffuseOptions : DiffusionModelOptions
{
    /// <summary>The prompt template over the item's metadata.</summary>
    [Description("Prompt template over the item's metadata, e.g. \"{prompt}\" (the prompts input's text) or \"{genre}, {bpm:0} bpm\".")]
    public string Prompt { get; init; } = "{prompt}";

    /// <summary>The negative prompt template.</summary>
    [Description("Negative prompt template (the unconditional side of guidance).")]
    public string Negative { get; init; } = string.Empty;

    /// <summary>Guidance scale.</summary>
    [Range(0.0, 100.0)]
    [Description("Classifier-free guidance scale (1 or less: no guidance).")]
    public double Guidance { get; init; } = 7.0;

    /// <summary>Text-to-image width.</summary>
    [Description("Text-to-image width in pixels (multiple of 64, up to 4096; an image input keeps its own size).")]
    public int Width { get; init; } = 512;

    /// <summary>Text-to-image height.</summary>
    [Description("Text-to-image height in pixels (multiple of 64; Riffusion: 512).")]
    public int Height { get; init; } = 512;

    /// <summary>img2img strength.</summary>
    [Range(0.0, 1.0)]
    [Description("Image inputs (img2img): how much changes, 0-1.")]
    public double Strength { get; init; } = 0.75;

    /// <summary>Riffusion's legacy strength rule.</summary>
    [Description("Image inputs: Riffusion's legacy strength rule (one noise level more than diffusers' modern rule).")]
    public bool LegacyStrength { get; init; }

    /// <summary>A fixed noise seed for every item.</summary>
    [Range(0, uint.MaxValue)]
    [Description("Noise seed for every item (default: each item's seed from the recipe seed and its key).")]
    public long? Seed { get; init; }

    /// <inheritdoc/>
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        CheckTemplate(errors, "prompt", Prompt);
        CheckTemplate(errors, "negative", Negative);
        if (new DiffusionSettings { Width = Width, Height = Height }.Problem() is { } size)
        {
            errors.Add("width", size);
        }
    }
}

/// <summary>
/// <c>diffuse</c>: text-to-image for any item (a <c>prompts</c> item, an audio file with tempo metadata…), img2img for
/// a spectrogram image item (its size, parameters and level are kept). The prompt comes from a template over the item's
/// metadata. The model is loaded once per run and shared (a GPU step: one item at a time).
/// Metadata: <c>diffusion_prompt</c>, <c>diffusion_seed</c>, <c>width</c>, <c>height</c>.
/// </summary>
public sealed class DiffuseBlock(DiffuseOptions options) : SyncBlock<object, SpectrogramImage>
{
    /// <summary>Metadata: the prompt as filled in.</summary>
    public const string PromptKey = "diffusion_prompt";

    /// <summary>Metadata: the noise seed used.</summary>
    public const string SeedKey = "diffusion_seed";

    /// <inheritdoc/>
    protected override SpectrogramImage Process(object input, BlockContext context, CancellationToken cancellationToken)
    {
        StableDiffusionModel model = SharedModels.Get(context.Run, options.Model.Resolve(context.Run.InputRoot), options.Device);
        var pipeline = new StableDiffusionPipeline(model, line => context.Run.Log($"warning: {context.Item.Key}: {line}"));
        string prompt = PromptTemplate.Fill(options.Prompt, context.Item.Metadata);
        uint seed = options.Seed is { } fixedSeed ? (uint)fixedSeed : SharedModels.NoiseSeed(context.Seed);
        var settings = new DiffusionSettings { Width = options.Width, Height = options.Height, Steps = options.Steps, Guidance = options.Guidance, Scheduler = options.Scheduler };
        var request = new DiffusionRequest
        {
            Prompt = prompt,
            NegativePrompt = PromptTemplate.Fill(options.Negative, context.Item.Metadata),
            Seed = seed,
            Settings = settings,
        };
        SpectrogramImage? init = input as SpectrogramImage;
        if (init is not null)
        {
            request = request with
            {
                Settings = settings with { Width = init.Width, Height = init.Height },
                InitImage = ImageTensors.FromRgb(init.Rgb, init.Width, init.Height),
                Strength = options.Strength,
                Rule = options.LegacyStrength ? StrengthRule.Legacy : StrengthRule.Modern,
            };
        }

        DiffusionResult result = pipeline.Generate(request, null, cancellationToken);
        context.OutputMetadata[PromptKey] = prompt;
        context.OutputMetadata[SeedKey] = (long)seed;
        context.OutputMetadata["width"] = (long)result.Width;
        context.OutputMetadata["height"] = (long)result.Height;
        return result.ToSpectrogram(context.Item.Key, init?.Parameters, init?.MaxValue);
    }
}
