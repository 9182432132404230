using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Schedulers;
using SpectroFlow.Diffusion.Text;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>
/// A Stable Diffusion 1.x ONNX folder as diffusers' export script or optimum writes it, loaded once and shared by every
/// item of a run (thread-safe: sessions are; per-generation state lives in the pipeline). Each sub-model's input and
/// output names, element types and ranks are checked here, so a folder that does not fit fails at load with one line
/// naming the file and the mismatch. The VAE encoder loads on first use (only img2img needs it).
/// </summary>
public sealed class StableDiffusionModel : IDisposable
{
    /// <summary>SD 1.x's VAE scaling factor, used when the folder's configs do not give one.</summary>
    public const double DefaultVaeScale = 0.18215;

    private static readonly string[] s_sdxlInputs = ["text_embeds", "time_ids"];
    private readonly ExecutionProviders _providers;
    private readonly Lock _encoderGate = new();
    private VaeEncoder? _encoder;

    private StableDiffusionModel(string folder, ExecutionProviders providers)
    {
        Folder = folder;
        _providers = providers;
    }

    /// <summary>The model folder.</summary>
    public string Folder { get; }

    /// <summary>The CLIP tokenizer.</summary>
    public ClipTokenizer Tokenizer { get; private set; } = null!;

    /// <summary>The scheduler configuration.</summary>
    public SchedulerConfig SchedulerConfig { get; private set; } = null!;

    /// <summary>The VAE scaling factor (vae config's scaling_factor, else 0.18215).</summary>
    public double VaeScale { get; private set; } = DefaultVaeScale;

    /// <summary>The text encoder.</summary>
    internal TextEncoder TextEncoder { get; private set; } = null!;

    /// <summary>The UNet.</summary>
    internal Unet Unet { get; private set; } = null!;

    /// <summary>The VAE decoder.</summary>
    internal VaeDecoder Decoder { get; private set; } = null!;

    /// <summary>The execution provider in use ("CUDA" or "CPU").</summary>
    public string Device => _providers.Active;

    /// <summary>The width of the text embeddings (768 for SD 1.x).</summary>
    public int EmbeddingWidth => TextEncoder.Width;

    /// <summary>Loads and checks the folder.</summary>
    /// <param name="folder">The model folder (model_index.json, text_encoder/, unet/, vae_decoder/, vae_encoder/, tokenizer/, scheduler/).</param>
    /// <param name="device">Where to run.</param>
    /// <param name="log">Receives the one CPU-fallback line, if any.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (0 = its default).</param>
    public static StableDiffusionModel Load(string folder, ComputeDevice device, Action<string> log, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder))
        {
            throw new InvalidModelException(folder, "model folder not found");
        }

        var model = new StableDiffusionModel(Path.GetFullPath(folder), new ExecutionProviders(device, log, threads));
        try
        {
            model.LoadParts();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The VAE encoder, loaded on first use.</summary>
    internal VaeEncoder Encoder
    {
        get
        {
            lock (_encoderGate)
            {
                return _encoder ??= new VaeEncoder(OnnxModel.Load(PartPath("vae_encoder"), _providers));
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        TextEncoder?.Dispose();
        Unet?.Dispose();
        Decoder?.Dispose();
        _encoder?.Dispose();
    }

    private void LoadParts()
    {
        CheckIndex(Path.Combine(Folder, "model_index.json"));
        Tokenizer = ClipTokenizer.Load(Path.Combine(Folder, "tokenizer"));
        SchedulerConfig = SchedulerConfig.Load(Path.Combine(Folder, "scheduler", "scheduler_config.json"));
        VaeScale = ReadVaeScale();
        TextEncoder = new TextEncoder(OnnxModel.Load(PartPath("text_encoder"), _providers));
        Unet = new Unet(OnnxModel.Load(PartPath("unet"), _providers));
        Decoder = new VaeDecoder(OnnxModel.Load(PartPath("vae_decoder"), _providers));
        foreach (string extra in s_sdxlInputs)
        {
            if (Unet.Model.HasInput(extra))
            {
                throw new InvalidModelException(Unet.Model.Path, $"has input '{extra}': an SDXL UNet, not SD 1.x");
            }
        }

        int unetWidth = Unet.EmbeddingWidth;
        if (unetWidth > 0 && TextEncoder.Width > 0 && unetWidth != TextEncoder.Width)
        {
            throw new InvalidModelException(
                Unet.Model.Path, $"'encoder_hidden_states' is {unetWidth} wide but the text encoder gives {TextEncoder.Width}: parts of different models");
        }
    }

    private string PartPath(string part) => Path.Combine(Folder, part, "model.onnx");

    private static void CheckIndex(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelException(path, "file not found (not a diffusers/optimum model folder)");
        }

        try
        {
            using JsonDocument index = JsonDocument.Parse(File.ReadAllText(path));
            string? kind = index.RootElement.TryGetProperty("_class_name", out JsonElement name) ? name.GetString() : null;
            if (kind is not null && (kind.Contains("XL", StringComparison.Ordinal) || kind.Contains("StableDiffusion3", StringComparison.Ordinal)
                || kind.Contains("Flux", StringComparison.Ordinal) || kind.Contains("LatentConsistency", StringComparison.Ordinal)))
            {
                throw new InvalidModelException(path, $"_class_name '{kind}' is not a Stable Diffusion 1.x pipeline");
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidModelException(path, $"not valid JSON ({ex.Message})", ex);
        }
    }

    private double ReadVaeScale()
    {
        foreach (string candidate in (string[])["vae_decoder/config.json", "vae/config.json"])
        {
            string path = Path.Combine(Folder, candidate);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using JsonDocument config = JsonDocument.Parse(File.ReadAllText(path));
                if (config.RootElement.TryGetProperty("scaling_factor", out JsonElement factor) && factor.ValueKind == JsonValueKind.Number)
                {
                    return factor.GetDouble();
                }
            }
            catch (JsonException ex)
            {
                throw new InvalidModelException(path, $"not valid JSON ({ex.Message})", ex);
            }
        }

        return DefaultVaeScale;
    }
}

/// <summary>The CLIP text encoder: ids [1, 77] (int32 or int64) to last_hidden_state [1, 77, width].</summary>
internal sealed class TextEncoder : IDisposable
{
    private readonly TensorPort _ids;
    private readonly TensorPort _hidden;

    public TextEncoder(OnnxModel model)
    {
        Model = model;
        _ids = model.Input("input_ids").Expect(TensorElementType.Int32, TensorElementType.Int64).ExpectShape(2);
        _hidden = model.Output("last_hidden_state").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(3);
        Width = _hidden.Dimensions[2];
    }

    public OnnxModel Model { get; }

    /// <summary>The embedding width, or −1 when the export leaves it dynamic.</summary>
    public int Width { get; private set; }

    /// <summary>Encodes one padded id sequence into [ids.Length × width] floats.</summary>
    public float[] Encode(int[] ids)
    {
        using var input = Tensors.FromIds(_ids, ids, [1, ids.Length]);
        float[] result = Model.RunToFloats(_ids.Name, input, _hidden.Name);
        Width = result.Length / ids.Length;
        return result;
    }

    public void Dispose() => Model.Dispose();
}

/// <summary>The UNet's ports: sample [B, 4, h, w], timestep (scalar, [1] or [B]), encoder_hidden_states → out_sample.</summary>
internal sealed class Unet : IDisposable
{
    public Unet(OnnxModel model)
    {
        Model = model;
        Sample = model.Input("sample").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4, -1, 4);
        Timestep = model.Input("timestep").Expect(TensorElementType.Float, TensorElementType.Float16, TensorElementType.Int64);
        if (Timestep.Dimensions.Length > 1)
        {
            throw new InvalidModelException(model.Path, $"'timestep' has shape {Timestep.Shape}, expected a scalar or one dimension");
        }

        Hidden = model.Input("encoder_hidden_states").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(3);
        Output = model.Output("out_sample").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4, -1, 4);
        if (Sample.Dimensions[1] != 4)
        {
            throw new InvalidModelException(model.Path, $"'sample' has {Sample.Dimensions[1]} channels: an inpainting or non-SD-1.x UNet");
        }
    }

    public OnnxModel Model { get; }

    public TensorPort Sample { get; }

    public TensorPort Timestep { get; }

    public TensorPort Hidden { get; }

    public TensorPort Output { get; }

    /// <summary>The cross-attention width (768 for SD 1.x), or −1 when dynamic.</summary>
    public int EmbeddingWidth => Hidden.Dimensions[2];

    public void Dispose() => Model.Dispose();
}
