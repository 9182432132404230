using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>How img2img turns a strength into the first denoising call.</summary>
public enum StrengthRule
{
    /// <summary>diffusers' img2img: init = ⌊N·s⌋, start at call N − init, noise at the first call that runs.</summary>
    Modern,

    /// <summary>Riffusion's and the legacy ONNX pipeline's: init = ⌊N·s⌋ + offset, noise at timesteps[−init], start at N − init + offset.</summary>
    Legacy,
}

/// <summary>What every generation shares: size, steps, guidance, scheduler.</summary>
public sealed record DiffusionSettings
{
    /// <summary>Image width in pixels (a multiple of 64, at most 4096); width is time in a spectrogram.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Image height in pixels (a multiple of 64, at most 4096).</summary>
    public int Height { get; init; } = 512;

    /// <summary>Inference steps (PNDM makes one more UNet call).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Classifier-free guidance scale; at most 1 runs the UNet on the prompt alone.</summary>
    public double Guidance { get; init; } = 7.0;

    /// <summary>Scheduler name (pndm, ddim, euler, euler-ancestral, lms, dpmpp2m).</summary>
    public string Scheduler { get; init; } = "pndm";

    /// <summary>DDIM's η.</summary>
    public double Eta { get; init; }

    /// <summary>Latent height (height / 8).</summary>
    public int LatentHeight => Height / 8;

    /// <summary>Latent width (width / 8).</summary>
    public int LatentWidth => Width / 8;

    /// <summary>Values in one latent tensor [1, 4, h, w].</summary>
    public int LatentLength => 4 * LatentHeight * LatentWidth;

    /// <summary>The first problem with these settings, or null.</summary>
    public string? Problem()
    {
        if (Width % 64 != 0 || Height % 64 != 0 || Width < 64 || Height < 64 || Width > 4096 || Height > 4096)
        {
            return $"size {Width}x{Height} is not supported: width and height must be multiples of 64 from 64 to 4096";
        }

        if (Steps is < 1 or > 1000)
        {
            return $"steps {Steps} is out of range (1-1000)";
        }

        if (!double.IsFinite(Guidance) || Guidance < 0)
        {
            return $"guidance {Guidance} must be a finite number >= 0";
        }

        if (!Schedulers.SchedulerFactory.Names.Contains(Scheduler))
        {
            return $"unknown scheduler '{Scheduler}' (known: {string.Join(", ", Schedulers.SchedulerFactory.Names)})";
        }

        return null;
    }
}

/// <summary>
/// One text-to-image or image-to-image generation. Noise comes from <see cref="Seed"/> through the documented generator
/// (<see cref="Noise.LegacyGaussian"/>) unless <see cref="InitNoise"/> gives the latents to start from.
/// </summary>
public sealed record DiffusionRequest
{
    /// <summary>The prompt.</summary>
    public required string Prompt { get; init; }

    /// <summary>The negative prompt (the unconditional side of guidance); empty by default.</summary>
    public string NegativePrompt { get; init; } = string.Empty;

    /// <summary>The seed of the starting noise (and of ancestral steps' noise).</summary>
    public uint Seed { get; init; }

    /// <summary>Size, steps, guidance and scheduler.</summary>
    public DiffusionSettings Settings { get; init; } = new();

    /// <summary>Starting noise [1, 4, h, w] replacing the generator (for checks against references), or null.</summary>
    public float[]? InitNoise { get; init; }

    /// <summary>Per-call noise [calls, 1, 4, h, w] for ancestral schedulers replacing the generator, or null.</summary>
    public float[]? StepNoise { get; init; }

    /// <summary>img2img: the init image [3, H, W] in [−1, 1], or null for text-to-image.</summary>
    public float[]? InitImage { get; init; }

    /// <summary>img2img strength in [0, 1]: how much of the schedule runs (1 repaints everything).</summary>
    public double Strength { get; init; } = 0.75;

    /// <summary>img2img strength rule.</summary>
    public StrengthRule Rule { get; init; } = StrengthRule.Legacy;

    /// <summary>img2img repaint mask [H/8 × W/8] in [0, 1]: 1 repaints, 0 keeps the init image (Riffusion's white/black).</summary>
    public float[]? RepaintMask { get; init; }
}

/// <summary>One side of a Riffusion interpolation.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Seed">The seed of this side's noise.</param>
/// <param name="Guidance">Guidance at this side.</param>
/// <param name="Denoising">img2img strength at this side.</param>
public sealed record PromptSide(string Prompt, uint Seed, double Guidance = 7.0, double Denoising = 0.75);

/// <summary>
/// Riffusion's <c>riffuse()</c> at one alpha: text embeddings lerped, the two seeds' noises slerped, guidance and strength
/// lerped, the seed image as init with the legacy strength rule; the unconditional side is the empty prompt.
/// </summary>
public sealed record InterpolationRequest
{
    /// <summary>Alpha 0.</summary>
    public required PromptSide Start { get; init; }

    /// <summary>Alpha 1.</summary>
    public required PromptSide End { get; init; }

    /// <summary>Where between the two sides, in [0, 1].</summary>
    public double Alpha { get; init; }

    /// <summary>The seed image [3, H, W] in [−1, 1]; its size sets the output size.</summary>
    public required float[] InitImage { get; init; }

    /// <summary>Steps, scheduler and size (guidance comes from the sides).</summary>
    public DiffusionSettings Settings { get; init; } = new();

    /// <summary>Optional repaint mask [H/8 × W/8] (1 repaints).</summary>
    public float[]? RepaintMask { get; init; }

    /// <summary>Start side's noise replacing its generator, or null.</summary>
    public float[]? StartNoise { get; init; }

    /// <summary>End side's noise replacing its generator, or null.</summary>
    public float[]? EndNoise { get; init; }
}

/// <summary>A finished generation.</summary>
/// <param name="Latents">Final latents [1, 4, h, w] (before division by the VAE scale).</param>
/// <param name="Image">Decoder output [1, 3, H, W], roughly in [−1, 1].</param>
/// <param name="Width">Image width.</param>
/// <param name="Height">Image height.</param>
public sealed record DiffusionResult(float[] Latents, float[] Image, int Width, int Height)
{
    /// <summary>8-bit RGB, row-major HWC: round-half-even(clip(x/2 + 0.5, 0, 1) · 255) in float32, as diffusers.</summary>
    public byte[] ToRgb() => ImageTensors.ToRgb(Image, Width, Height);

    /// <summary>
    /// The image as a spectrogram: <paramref name="parameters"/> (an img2img input's own) or Riffusion's with the image's
    /// height as mel bins, and <paramref name="maxValue"/> (the input's level) when known.
    /// </summary>
    public SpectrogramImage ToSpectrogram(string name, SpectrogramParams? parameters = null, double? maxValue = null) =>
        new(Width, Height, ToRgb(), parameters ?? SpectrogramParams.Riffusion with { NumFrequencies = Height }, maxValue, name);
}

/// <summary>Sees the inside of a generation (tests, progress, diagnostics). Every method is optional.</summary>
public interface IDiffusionObserver
{
    /// <summary>The UNet's encoder_hidden_states ([uncond; cond] with guidance).</summary>
    void TextEmbeddings(ReadOnlySpan<float> embeddings)
    {
    }

    /// <summary>img2img: the encoded init latents (scaled) and their noised version.</summary>
    void InitLatents(ReadOnlySpan<float> initLatents, ReadOnlySpan<float> noised)
    {
    }

    /// <summary>One UNet call: its (scaled, batched) input and raw output.</summary>
    void UnetCall(int call, ReadOnlySpan<float> input, ReadOnlySpan<float> output)
    {
    }

    /// <summary>Latents after scheduler call <paramref name="call"/> of <paramref name="calls"/> (absolute indices).</summary>
    void Step(int call, int calls, ReadOnlySpan<float> latents)
    {
    }
}
