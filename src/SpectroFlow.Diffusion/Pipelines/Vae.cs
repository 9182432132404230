using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpectroFlow.Diffusion.Onnx;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>
/// The VAE decoder: latent_sample [1, 4, h, w] (already divided by the scaling factor) to sample [1, 3, 8h, 8w].
/// Wide latents are decoded in overlapping tiles along the width and cross-faded, so memory stays bounded
/// (a real decoder's mid-block attention over a whole 512x4096 image would need 4 GiB for one score matrix).
/// </summary>
internal sealed class VaeDecoder : IDisposable
{
    /// <summary>Widest latent decoded in one piece (1024 pixels).</summary>
    public const int MaxTileLatentWidth = 128;

    /// <summary>Latent columns shared by neighbouring tiles (128 pixels cross-faded).</summary>
    public const int TileOverlap = 16;

    private readonly TensorPort _input;
    private readonly TensorPort _output;

    public VaeDecoder(OnnxModel model)
    {
        Model = model;
        _input = model.Input("latent_sample").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4, -1, 4);
        _output = model.Output("sample").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4, -1, 3);
    }

    public OnnxModel Model { get; }

    /// <summary>Decodes <paramref name="latents"/> [4 × h × w]; returns [3 × 8h × 8w] in roughly [−1, 1].</summary>
    public float[] Decode(ReadOnlySpan<float> latents, int height, int width, CancellationToken cancellationToken, int maxTile = MaxTileLatentWidth)
    {
        if (width <= maxTile)
        {
            return DecodeWhole(latents, height, width);
        }

        int pixelHeight = height * 8;
        int pixelWidth = width * 8;
        var sum = new float[3 * pixelHeight * pixelWidth];
        var weights = new float[pixelWidth];
        int stride = maxTile - TileOverlap;
        var tile = new float[4 * height * maxTile];
        for (int start = 0; ; start += stride)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int begin = Math.Min(start, width - maxTile);
            for (int c = 0; c < 4; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    latents.Slice((((c * height) + y) * width) + begin, maxTile).CopyTo(tile.AsSpan(((c * height) + y) * maxTile, maxTile));
                }
            }

            float[] pixels = DecodeWhole(tile, height, maxTile);
            bool first = begin == 0;
            bool last = begin + maxTile >= width;
            Accumulate(pixels, sum, weights, pixelHeight, pixelWidth, begin * 8, maxTile * 8, first, last);
            if (last)
            {
                break;
            }
        }

        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < pixelHeight; y++)
            {
                int row = ((c * pixelHeight) + y) * pixelWidth;
                for (int x = 0; x < pixelWidth; x++)
                {
                    sum[row + x] /= weights[x];
                }
            }
        }

        return sum;
    }

    public void Dispose() => Model.Dispose();

    /// <summary>Adds one decoded tile with a linear ramp over the overlaps (a ramp only where a neighbour exists).</summary>
    private static void Accumulate(float[] tile, float[] sum, float[] weights, int height, int width, int offset, int tileWidth, bool first, bool last)
    {
        int ramp = TileOverlap * 8;
        for (int x = 0; x < tileWidth; x++)
        {
            float weight = 1;
            if (!first && x < ramp)
            {
                weight = (x + 0.5f) / ramp;
            }

            if (!last && x >= tileWidth - ramp)
            {
                weight = Math.Min(weight, (tileWidth - x - 0.5f) / ramp);
            }

            weights[offset + x] += weight;
            for (int c = 0; c < 3; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    sum[(((c * height) + y) * width) + offset + x] += weight * tile[(((c * height) + y) * tileWidth) + x];
                }
            }
        }
    }

    private float[] DecodeWhole(ReadOnlySpan<float> latents, int height, int width)
    {
        using OrtValue input = Tensors.FromFloats(_input, latents, [1, 4, height, width]);
        return Model.RunToFloats(_input.Name, input, _output.Name);
    }
}

/// <summary>
/// The VAE encoder: sample [1, 3, H, W] in [−1, 1] to the latent mean [4 × H/8 × W/8] (unscaled). Reads either the
/// legacy export's <c>latent_sample</c> [B, 4, h, w] or optimum's <c>latent_parameters</c> [B, 8, h, w] = mean ‖ logvar.
/// </summary>
internal sealed class VaeEncoder : IDisposable
{
    private readonly TensorPort _input;
    private readonly TensorPort _output;

    public VaeEncoder(OnnxModel model)
    {
        Model = model;
        _input = model.Input("sample").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4, -1, 3);
        _output = model.Output("latent_sample", "latent_parameters").Expect(TensorElementType.Float, TensorElementType.Float16).ExpectShape(4);
        int channels = _output.Dimensions[1];
        if (channels >= 0 && channels != (_output.Name == "latent_sample" ? 4 : 8))
        {
            throw new Core.Errors.InvalidModelException(model.Path, $"'{_output.Name}' has shape {_output.Shape}, expected {(_output.Name == "latent_sample" ? 4 : 8)} channels");
        }
    }

    public OnnxModel Model { get; }

    /// <summary>Encodes <paramref name="pixels"/> [3 × height × width]; returns the mean latents [4 × height/8 × width/8].</summary>
    public float[] Encode(ReadOnlySpan<float> pixels, int height, int width)
    {
        using OrtValue input = Tensors.FromFloats(_input, pixels, [1, 3, height, width]);
        float[] all = Model.RunToFloats(_input.Name, input, _output.Name);
        int latentSize = 4 * (height / 8) * (width / 8);
        return all[..latentSize];
    }

    public void Dispose() => Model.Dispose();
}
