using System.Buffers.Binary;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>Pixel ↔ tensor conversion as diffusers does it, and raw float32 tensor files (<c>--init-noise</c>).</summary>
public static class ImageTensors
{
    /// <summary>RGB bytes (row-major HWC) to [3, H, W] in [−1, 1]: x = 2 · (p / 255) − 1 in float32.</summary>
    public static float[] FromRgb(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"expected {width * height * 3} RGB bytes for {width}x{height}, got {rgb.Length}", nameof(rgb));
        }

        int plane = width * height;
        var tensor = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                tensor[(c * plane) + i] = (2f * (rgb[(i * 3) + c] / 255f)) - 1f;
            }
        }

        return tensor;
    }

    /// <summary>[3, H, W] to RGB bytes: round-half-even(clip(x/2 + 0.5, 0, 1) · 255) in float32.</summary>
    public static byte[] ToRgb(ReadOnlySpan<float> image, int width, int height)
    {
        int plane = width * height;
        if (image.Length != 3 * plane)
        {
            throw new ArgumentException($"expected {3 * plane} values for {width}x{height}, got {image.Length}", nameof(image));
        }

        var rgb = new byte[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                float unit = Math.Clamp((image[(c * plane) + i] / 2f) + 0.5f, 0f, 1f);
                rgb[(i * 3) + c] = (byte)MathF.Round(unit * 255f, MidpointRounding.ToEven);
            }
        }

        return rgb;
    }

    /// <summary>
    /// A repaint mask at latent resolution from a grayscale mask image (row-major, one byte per pixel, white repaints):
    /// nearest-neighbour to <paramref name="latentWidth"/> × <paramref name="latentHeight"/>, as Riffusion resizes it.
    /// </summary>
    public static float[] RepaintMaskFromGray(ReadOnlySpan<byte> gray, int width, int height, int latentWidth, int latentHeight)
    {
        var mask = new float[latentWidth * latentHeight];
        for (int y = 0; y < latentHeight; y++)
        {
            int sourceY = Math.Min(height - 1, (int)((y + 0.5) * height / latentHeight));
            for (int x = 0; x < latentWidth; x++)
            {
                int sourceX = Math.Min(width - 1, (int)((x + 0.5) * width / latentWidth));
                mask[(y * latentWidth) + x] = gray[(sourceY * width) + sourceX] / 255f;
            }
        }

        return mask;
    }

    /// <summary>
    /// Reads a raw little-endian float32 tensor of exactly <paramref name="count"/> values; a wrong size or a NaN/Inf is
    /// one <see cref="SpectroFlowException"/> naming the file and the problem.
    /// </summary>
    public static float[] ReadRaw(string path, int count, string shapeText)
    {
        if (!File.Exists(path))
        {
            throw new SpectroFlowException($"{path}: file not found");
        }

        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length != count * 4)
        {
            throw new SpectroFlowException(
                $"{path}: {bytes.Length} bytes, expected {count * 4} (raw little-endian float32 {shapeText})");
        }

        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4, 4));
            if (!float.IsFinite(values[i]))
            {
                throw new SpectroFlowException($"{path}: value {i} is {values[i]} (NaN or infinite)");
            }
        }

        return values;
    }

    /// <summary>Writes <paramref name="values"/> as raw little-endian float32.</summary>
    public static byte[] ToRaw(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4, 4), values[i]);
        }

        return bytes;
    }
}
