using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Options of <see cref="ConcatBlock"/>.</summary>
[ProducesMetadata("width", "height", ConcatBlock.PartsKey)]
public sealed class ConcatOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>Columns each seam is crossfaded over (consecutive images overlap by this many columns; 0 = side by side).</summary>
    [Range(0, 4096)]
    [Description("Columns consecutive images overlap at each seam, crossfaded at equal power in the amplitude domain (0 = side by side, width = sum of widths).")]
    public int SmoothColumns { get; init; }

    /// <summary>The widest image made; a group that would be wider fails with one line.</summary>
    [Range(1, 1_000_000)]
    [Description("Widest image made, in columns; a wider group fails with one line.")]
    public int MaxWidth { get; init; } = 65536;

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) => input ?? PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>concat</c>: a group of spectrogram images side by side in natural order (the seed's 512x4096 img2img workflow:
/// eight 512-px clips make one 4096-px image). Pixels are kept as they are, as the seed's concat_spectrograms pastes
/// them; the first image's parameters and MAX_VALUE (its EXIF) are kept. Every image must have the same height and
/// parameters (one line naming the image otherwise). With <c>smooth_columns</c> N, consecutive images overlap by N
/// columns crossfaded at equal power on amplitudes (not pixels), so a seam keeps its loudness.
/// </summary>
public sealed class ConcatBlock(ConcatOptions options) : IGroupBlock<SpectrogramImage, SpectrogramImage>
{
    /// <summary>Metadata: how many images were put side by side.</summary>
    public const string PartsKey = "parts";

    /// <inheritdoc/>
    public async ValueTask<SpectrogramImage> ProcessAsync(IAsyncEnumerable<Part<SpectrogramImage>> parts, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(context);
        var images = new List<(SpectrogramImage Image, string Name)>();
        long width = 0;
        await foreach (Part<SpectrogramImage> part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string name = PartName(part);
            if (images.Count > 0)
            {
                CheckFits(part.Payload, name, images[0].Image, images[0].Name, options.SmoothColumns);
            }

            width += part.Payload.Width - (images.Count > 0 ? options.SmoothColumns : 0);
            if (width > options.MaxWidth)
            {
                throw new SpectroFlowException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{name}: the images up to this one are {width} columns wide, more than max_width {options.MaxWidth}"));
            }

            images.Add((part.Payload, name));
        }

        if (images.Count == 0)
        {
            throw new SpectroFlowException("nothing to concatenate: no images arrived");
        }

        SpectrogramImage first = images[0].Image;
        context.Run.Log($"{context.BlockId}: {context.Item.Key}: {images.Count} images side by side, {width} columns: {string.Join(", ", images.Select(i => i.Name))}");
        SpectrogramImage wide = Concatenate(images.ConvertAll(i => i.Image), (int)width, options.SmoothColumns);
        context.OutputMetadata["width"] = (long)wide.Width;
        context.OutputMetadata["height"] = (long)wide.Height;
        context.OutputMetadata[PartsKey] = (long)images.Count;
        if (first.MaxValue is { } maxValue)
        {
            context.OutputMetadata["max_value"] = maxValue;
        }

        return wide;
    }

    /// <summary>Puts <paramref name="images"/> side by side, consecutive ones overlapping by <paramref name="overlap"/> crossfaded columns.</summary>
    public static SpectrogramImage Concatenate(IReadOnlyList<SpectrogramImage> images, int width, int overlap)
    {
        ArgumentNullException.ThrowIfNull(images);
        SpectrogramImage first = images[0];
        int height = first.Height;
        byte[] rgb = new byte[checked(width * height * 3)];
        double exponent = 1.0 / first.Parameters.PowerForImage;
        int at = 0;
        for (int i = 0; i < images.Count; i++)
        {
            SpectrogramImage image = images[i];
            int fade = i == 0 ? 0 : overlap;
            at -= fade;
            for (int row = 0; row < height; row++)
            {
                int source = row * image.Width * 3;
                int target = (row * width + at) * 3;
                for (int k = 0; k < fade * 3; k++)
                {
                    double w = ((k / 3) + 1.0) / (fade + 1.0);
                    rgb[target + k] = Mix(rgb[target + k], image.Rgb[source + k], w, exponent);
                }

                image.Rgb.AsSpan(source + (fade * 3), (image.Width - fade) * 3).CopyTo(rgb.AsSpan(target + (fade * 3)));
            }

            at += image.Width;
        }

        return new SpectrogramImage(width, height, rgb, first.Parameters, first.MaxValue, first.Name);
    }

    /// <summary>Equal-power mix of two pixels on the amplitudes they stand for (pixel = 255 - 255 a^power).</summary>
    private static byte Mix(byte left, byte right, double weight, double exponent)
    {
        double a = Math.Pow((255 - left) / 255.0, exponent);
        double b = Math.Pow((255 - right) / 255.0, exponent);
        double mixed = Math.Sqrt(((1 - weight) * a * a) + (weight * b * b));
        return (byte)Math.Clamp(Math.Round(255 - (255 * Math.Pow(mixed, 1 / exponent))), 0, 255);
    }

    private static void CheckFits(SpectrogramImage image, string name, SpectrogramImage first, string firstName, int overlap)
    {
        if (image.Height != first.Height)
        {
            throw new SpectroFlowException($"{name}: is {image.Height} px high but {firstName} is {first.Height}; images put side by side must have the same height");
        }

        if (image.Parameters.DifferenceFrom(first.Parameters) is { } difference)
        {
            throw new SpectroFlowException($"{name}: its spectrogram parameters differ from {firstName}'s ({difference}); images put side by side must have the same");
        }

        if (image.Width <= overlap)
        {
            throw new SpectroFlowException(string.Create(CultureInfo.InvariantCulture, $"{name}: {image.Width} columns is too narrow for smooth_columns {overlap}"));
        }
    }

    private static string PartName(Part<SpectrogramImage> part) =>
        part.Item.Metadata.TryGetValue(WorkItem.Keys.SourcePath, out object? path) && path is string text ? Path.GetFileName(text) : part.Item.Key;
}
