using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Imaging;

/// <summary>
/// Pure pixel mapping between mel spectrograms and spectrogram images (no imaging library involved).
/// <list type="bullet">
/// <item><description>
/// Riffusion (<see cref="IntensityScale.PerImageMax"/>): max = global max over all channels;
/// y = (mel / max)^power; pixel = (byte)(255 - 255 y) with truncation (after adding a 1e-4 guard so that decoded
/// images re-encode to the same pixels); row 0 = highest mel bin;
/// mono -> R = G = B, stereo -> (R = 0, G = channel 0, B = channel 1). Decoding uses R (mono) or G and B (stereo):
/// a = ((255 - p) / 255)^(1 / power) * 30e6 in float32, ignoring the image's MAX_VALUE exactly as Riffusion does.
/// </description></item>
/// <item><description>
/// chavinlo (<see cref="IntensityScale.AbsoluteMaxVolume"/>): mono only; pixel = 255 - mel^power * 255 / maxVolume,
/// clamped to [0, 255] then truncated (the original casts to uint8 and wraps around for loud input; this port
/// saturates instead). Decoding: a = ((255 - p) * maxVolume / 255)^(1 / power).
/// </description></item>
/// </list>
/// Negative and NaN amplitudes are treated as silence (0).
/// </summary>
public static class SpectrogramImageMapper
{
    /// <summary>Number of grey levels in an 8-bit channel.</summary>
    private const int Levels = 256;

    /// <summary>
    /// Added before truncating so that an amplitude decoded from pixel p (which lands exactly on the boundary
    /// between two levels, give or take float rounding of about 1e-5) quantises back to p. Riffusion's float32
    /// arithmetic is itself only accurate to about 1.5e-5 at 255, so this moves no more than ~0.01% of pixels
    /// of real audio by one level relative to exact truncation.
    /// </summary>
    internal const double TruncationGuard = 1e-4;

    /// <summary>Quantises <paramref name="mel"/> into an RGB spectrogram image with the mapping its parameters select.</summary>
    /// <param name="mel">Mel spectrogram; 1 channel (mono params) or 2 channels (stereo params).</param>
    /// <returns>The image; <see cref="SpectrogramImage.MaxValue"/> is the per-image max (Riffusion) or null (chavinlo).</returns>
    /// <exception cref="ArgumentException">The channel count does not match the parameters, or chavinlo scale with stereo.</exception>
    public static SpectrogramImage ToImage(MelSpectrogram mel)
    {
        ArgumentNullException.ThrowIfNull(mel);
        SpectrogramParams parameters = mel.Parameters;
        int expectedChannels = parameters.Stereo ? 2 : 1;
        if (mel.ChannelCount != expectedChannels)
        {
            throw new ArgumentException(
                $"The spectrogram has {mel.ChannelCount} channel(s) but its parameters say {(parameters.Stereo ? "stereo" : "mono")}.",
                nameof(mel));
        }

        if (parameters.Scale == IntensityScale.AbsoluteMaxVolume && parameters.Stereo)
        {
            throw new ArgumentException("The chavinlo (absolute max volume) scale supports mono spectrograms only.", nameof(mel));
        }

        int width = mel.Frames;
        int height = mel.MelBins;
        byte[] rgb = new byte[checked(width * height * 3)];
        byte[] plane = new byte[width * height];

        if (parameters.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            QuantiseAbsolute(mel.Channels[0], plane, parameters.PowerForImage, parameters.MaxVolume);
            Interleave(plane, height, width, rgb, 0, 3);
            return new SpectrogramImage(width, height, rgb, parameters);
        }

        double max = mel.MaxValue();
        if (mel.ChannelCount == 1)
        {
            QuantiseRelative(mel.Channels[0], plane, parameters.PowerForImage, max);
            Interleave(plane, height, width, rgb, 0, 3);
        }
        else
        {
            QuantiseRelative(mel.Channels[0], plane, parameters.PowerForImage, max);
            Interleave(plane, height, width, rgb, 1, 1);
            QuantiseRelative(mel.Channels[1], plane, parameters.PowerForImage, max);
            Interleave(plane, height, width, rgb, 2, 1);
        }

        return new SpectrogramImage(width, height, rgb, parameters, max);
    }

    /// <summary>
    /// Decodes an image back into mel amplitudes (the inverse quantisation; each amplitude is the largest value the
    /// pixel could have come from, scaled to Riffusion's 30e6 reference or chavinlo's max volume).
    /// </summary>
    /// <param name="image">Spectrogram image; <see cref="SpectrogramImage.Parameters"/> selects mono/stereo and the scale.</param>
    /// <returns>A spectrogram of <c>image.Height</c> mel bins by <c>image.Width</c> frames, bin 0 = bottom row.</returns>
    public static MelSpectrogram ToMel(SpectrogramImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        SpectrogramParams parameters = image.Parameters;
        float[] table = DecodeTable(parameters);
        int width = image.Width;
        int height = image.Height;
        float[][] channels;
        if (parameters.Stereo)
        {
            channels = [new float[width * height], new float[width * height]];
            Decode(image.Rgb, height, width, 1, table, channels[0]);
            Decode(image.Rgb, height, width, 2, table, channels[1]);
        }
        else
        {
            channels = [new float[width * height]];
            Decode(image.Rgb, height, width, 0, table, channels[0]);
        }

        return new MelSpectrogram(parameters, height, width, channels);
    }

    /// <summary>
    /// The 256-entry decoding table: entry p is the mel amplitude of pixel value p. Riffusion's entries are computed
    /// in float32 step by step as numpy does ((255 - p) / 255, ^(1/power), * 30e6).
    /// </summary>
    internal static float[] DecodeTable(SpectrogramParams parameters)
    {
        var table = new float[Levels];
        if (parameters.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            double exponent = 1.0 / parameters.PowerForImage;
            for (int p = 0; p < Levels; p++)
            {
                table[p] = (float)Math.Pow((255 - p) * parameters.MaxVolume / 255.0, exponent);
            }
        }
        else
        {
            float exponent = (float)(1.0 / parameters.PowerForImage);
            const float Reference = (float)SpectrogramParams.RiffusionDecodeMaxValue;
            for (int p = 0; p < Levels; p++)
            {
                float normalised = (255f - p) / 255f;
                table[p] = MathF.Pow(normalised, exponent) * Reference;
            }
        }

        return table;
    }

    // plane is row-major [mel][frame] (mel 0 = lowest), same layout as the input channel.
    private static void QuantiseRelative(ReadOnlySpan<float> mel, Span<byte> plane, double power, double max)
    {
        if (!(max > 0))
        {
            plane.Fill(255);
            return;
        }

        // Riffusion's power 0.25 as two square roots: same value to the last bit or one ulp, ~10x faster than Pow.
        bool fourthRoot = power == 0.25;
        double inverseMax = 1.0 / max;
        for (int i = 0; i < mel.Length; i++)
        {
            float v = mel[i];
            if (!(v > 0))
            {
                plane[i] = 255;
                continue;
            }

            double ratio = v * inverseMax;
            double y = fourthRoot ? Math.Sqrt(Math.Sqrt(ratio)) : Math.Pow(ratio, power);
            plane[i] = (byte)(255.0 - 255.0 * y + TruncationGuard);
        }
    }

    private static void QuantiseAbsolute(ReadOnlySpan<float> mel, Span<byte> plane, double power, double maxVolume)
    {
        for (int i = 0; i < mel.Length; i++)
        {
            float v = mel[i];
            double value = v > 0 ? 255.0 - Math.Pow(v, power) * 255.0 / maxVolume + TruncationGuard : 255.0;
            plane[i] = value >= 255.0 ? (byte)255 : value > 0 ? (byte)value : (byte)0;
        }
    }

    // Writes the [mel][frame] plane into the RGB buffer flipped vertically (row 0 = highest mel bin), starting at
    // channel firstChannel and filling count consecutive channels (3 = grey R = G = B, 1 = a single channel).
    private static void Interleave(ReadOnlySpan<byte> plane, int height, int width, Span<byte> rgb, int firstChannel, int count)
    {
        for (int row = 0; row < height; row++)
        {
            ReadOnlySpan<byte> source = plane.Slice((height - 1 - row) * width, width);
            Span<byte> target = rgb.Slice(row * width * 3, width * 3);
            for (int x = 0; x < width; x++)
            {
                byte p = source[x];
                int o = x * 3 + firstChannel;
                for (int c = 0; c < count; c++)
                {
                    target[o + c] = p;
                }
            }
        }
    }

    private static void Decode(ReadOnlySpan<byte> rgb, int height, int width, int channel, ReadOnlySpan<float> table, Span<float> mel)
    {
        for (int row = 0; row < height; row++)
        {
            ReadOnlySpan<byte> source = rgb.Slice(row * width * 3, width * 3);
            Span<float> target = mel.Slice((height - 1 - row) * width, width);
            for (int x = 0; x < width; x++)
            {
                target[x] = table[source[x * 3 + channel]];
            }
        }
    }
}
