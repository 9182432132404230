using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Diffusion.Pipelines;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>Options of <see cref="InterpolateBlock"/>.</summary>
[ProducesMetadata(InterpolateBlock.FrameKey, InterpolateBlock.AlphaKey, "width", "height")]
public sealed class InterpolateOptions : DiffusionModelOptions
{
    /// <summary>Prompt template at alpha 0.</summary>
    [Description("Prompt template at alpha 0 (over the item's metadata).")]
    public required string PromptFrom { get; init; }

    /// <summary>Prompt template at alpha 1.</summary>
    [Description("Prompt template at alpha 1.")]
    public required string PromptTo { get; init; }

    /// <summary>Noise seed at alpha 0.</summary>
    [Range(0, uint.MaxValue)]
    [Description("Noise seed at alpha 0 (default: the item's seed).")]
    public long? SeedFrom { get; init; }

    /// <summary>Noise seed at alpha 1.</summary>
    [Range(0, uint.MaxValue)]
    [Description("Noise seed at alpha 1 (default: seed_from, i.e. a prompt transition on one seed).")]
    public long? SeedTo { get; init; }

    /// <summary>Frames from alpha 0 to 1.</summary>
    [Range(1, 10000)]
    [Description("Frames, at alpha i/(N-1) from 0 to 1 (one frame: alpha 0).")]
    public int Frames { get; init; } = 4;

    /// <summary>Strength at alpha 0.</summary>
    [Range(0.0, 1.0)]
    [Description("img2img strength (Riffusion's denoising) at alpha 0.")]
    public double DenoisingFrom { get; init; } = 0.75;

    /// <summary>Strength at alpha 1.</summary>
    [Range(0.0, 1.0)]
    [Description("img2img strength at alpha 1.")]
    public double DenoisingTo { get; init; } = 0.75;

    /// <summary>Guidance at alpha 0.</summary>
    [Range(0.0, 100.0)]
    [Description("Guidance at alpha 0.")]
    public double GuidanceFrom { get; init; } = 7.0;

    /// <summary>Guidance at alpha 1.</summary>
    [Range(0.0, 100.0)]
    [Description("Guidance at alpha 1.")]
    public double GuidanceTo { get; init; } = 7.0;

    /// <inheritdoc/>
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        CheckTemplate(errors, "prompt_from", PromptFrom);
        CheckTemplate(errors, "prompt_to", PromptTo);
    }
}

/// <summary>
/// <c>interpolate</c>: Riffusion's interpolation on a seed image item. Frame i of N is riffuse() at alpha i/(N−1): text
/// embeddings lerped, the two seeds' noises slerped, guidance and strength lerped, the item's image as init with the
/// legacy strength rule. Children are keyed <c>#f01</c>, <c>#f02</c> …; a <c>join</c> step after it makes one track.
/// Metadata: <c>interpolation_frame</c> (from 1) and <c>interpolation_alpha</c>.
/// </summary>
public sealed class InterpolateBlock(InterpolateOptions options) : IExpandingBlock<SpectrogramImage, SpectrogramImage>
{
    /// <summary>Metadata: the frame's number, from 1.</summary>
    public const string FrameKey = "interpolation_frame";

    /// <summary>Metadata: the frame's alpha.</summary>
    public const string AlphaKey = "interpolation_alpha";

    /// <inheritdoc/>
    public async IAsyncEnumerable<ItemOutput<SpectrogramImage>> ExpandAsync(SpectrogramImage input, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        StableDiffusionModel model = SharedModels.Get(context.Run, options.Model.Resolve(context.Run.InputRoot), options.Device);
        var pipeline = new StableDiffusionPipeline(model, line => context.Run.Log($"warning: {context.Item.Key}: {line}"));
        uint seedFrom = options.SeedFrom is { } from ? (uint)from : SharedModels.NoiseSeed(context.Seed);
        var start = new PromptSide(PromptTemplate.Fill(options.PromptFrom, context.Item.Metadata), seedFrom, options.GuidanceFrom, options.DenoisingFrom);
        var end = new PromptSide(PromptTemplate.Fill(options.PromptTo, context.Item.Metadata), options.SeedTo is { } to ? (uint)to : seedFrom, options.GuidanceTo, options.DenoisingTo);
        float[] init = ImageTensors.FromRgb(input.Rgb, input.Width, input.Height);
        var settings = new DiffusionSettings { Width = input.Width, Height = input.Height, Steps = options.Steps, Scheduler = options.Scheduler };
        for (int i = 0; i < options.Frames; i++)
        {
            double alpha = options.Frames == 1 ? 0 : i / (double)(options.Frames - 1);
            DiffusionResult frame = pipeline.Interpolate(
                new InterpolationRequest { Start = start, End = end, Alpha = alpha, InitImage = init, Settings = settings },
                null,
                cancellationToken);
            string suffix = string.Create(CultureInfo.InvariantCulture, $"f{i + 1:00}");
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [FrameKey] = (long)(i + 1),
                [AlphaKey] = alpha,
                ["width"] = (long)frame.Width,
                ["height"] = (long)frame.Height,
            };
            yield return new ItemOutput<SpectrogramImage>(frame.ToSpectrogram($"{context.Item.Key}#{suffix}", input.Parameters), suffix, metadata);
            await Task.Yield();
        }
    }
}
