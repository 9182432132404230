using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="BlendBlock"/>.</summary>
[ProducesMetadata(BlendBlock.FrameKey, BlendBlock.AlphaKey, JoinBlock.MaxValueKey)]
public sealed class BlendOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>In-between frames made (frame i of N at i / (N + 1)).</summary>
    [Range(1, 10000)]
    [Description("In-between frames (frame i of N sits at i/(N+1) of the way from a to b).")]
    public int Frames { get; init; } = 4;

    /// <summary>Frequency bands in Hz, ascending.</summary>
    [Description("Frequency bands in Hz, ascending, e.g. \"0-300,300-2000,2000-10000\" (mapped to mel rows through the spectrogram's parameters).")]
    public string Bands { get; init; } = "0-300,300-2000,2000-10000";

    /// <summary>Rows over which band edges are softened.</summary>
    [Range(0, 256)]
    [Description("Mel rows over which neighbouring bands' weights are smoothed (0 = hard edges).")]
    public int TransitionRows { get; init; } = 4;

    /// <summary>Fraction of the sequence over which one band switches.</summary>
    [Range(0.05, 1.0)]
    [Description("Fraction of the sequence over which one band switches; the highest band starts first, the lowest last.")]
    public double SwitchWidth { get; init; } = 0.6;

    /// <summary>The curve each band follows.</summary>
    [Description("smooth (smoothstep) or linear: how each band moves from a to b inside its switch window.")]
    public BlendCurve Curve { get; init; } = BlendCurve.Smooth;

    /// <summary>Also emit a first and b last (a whole sequence to join).</summary>
    [Description("Also emit a itself first and b itself last, so the frames make a whole sequence to join.")]
    public bool IncludeEnds { get; init; }

    /// <summary>The parsed bands (valid once the options validated).</summary>
    public IReadOnlyList<FrequencyBand> ParsedBands => FrequencyBand.TryParseList(Bands, out _) ?? [];

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) => input ?? PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (FrequencyBand.TryParseList(Bands, out string? problem) is null)
        {
            errors.Add("bands", problem!);
        }
    }
}

/// <summary>
/// <c>blend</c>: two spectrograms (ports a and b; one stream with <c>pairing: window</c> blends each with the next) to
/// N in-between frames, band by band (see <see cref="BandBlend"/>). Both must have the same parameters and height (one
/// line naming both otherwise); widths may differ, the shorter is kept. Levels: a spectrogram from an image is scaled
/// to its EXIF MAX_VALUE (metadata <c>max_value</c>) before mixing, so a quiet and a loud image blend at their true
/// levels; each frame is handed on at the image scale (max 30e6) with its own <c>max_value</c>, as <c>image-to-mel</c>
/// does, so <c>join</c> keeps the levels. Metadata: <c>blend_frame</c> (1-based over what is emitted) and <c>blend_alpha</c>.
/// </summary>
public sealed class BlendBlock(BlendOptions options) : IExpandingPairBlock<MelSpectrogram, MelSpectrogram, MelSpectrogram>
{
    /// <summary>Metadata: the frame's number in the emitted sequence, from 1.</summary>
    public const string FrameKey = "blend_frame";

    /// <summary>Metadata: how far the frame is from a (0) to b (1).</summary>
    public const string AlphaKey = "blend_alpha";

    private readonly BandBlendSettings _settings = new()
    {
        Bands = options.ParsedBands,
        TransitionRows = options.TransitionRows,
        SwitchWidth = options.SwitchWidth,
        Curve = options.Curve,
    };

    /// <inheritdoc/>
    public async IAsyncEnumerable<ItemOutput<MelSpectrogram>> ExpandAsync(
        Part<MelSpectrogram> a, Part<MelSpectrogram> b, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        BandBlend.EnsureBlendable(a.Payload, JoinBlock.PartName(a.Item), b.Payload, JoinBlock.PartName(b.Item));
        // True levels only when both sides state theirs: scaling one side alone would tilt the blend.
        bool imageScale = a.Item.Metadata.ContainsKey(JoinBlock.MaxValueKey) && b.Item.Metadata.ContainsKey(JoinBlock.MaxValueKey);
        double gainA = imageScale ? JoinBlock.Gain(a) : 1;
        double gainB = imageScale ? JoinBlock.Gain(b) : 1;
        int first = options.IncludeEnds ? 0 : 1;
        int last = options.IncludeEnds ? options.Frames + 1 : options.Frames;
        int digits = (last - first + 1).ToString(CultureInfo.InvariantCulture).Length;
        for (int i = first; i <= last; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double t = i / (double)(options.Frames + 1);
            MelSpectrogram frame = await Task.Run(() => BandBlend.Frame(a.Payload, gainA, b.Payload, gainB, _settings, t), cancellationToken).ConfigureAwait(false);
            long number = i - first + 1;
            var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [FrameKey] = number,
                [AlphaKey] = t,
            };
            if (imageScale)
            {
                (frame, double max) = ToImageScale(frame);
                metadata[JoinBlock.MaxValueKey] = max;
            }

            yield return new ItemOutput<MelSpectrogram>(frame, "f" + number.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), metadata);
        }
    }

    /// <summary>The frame rescaled so its largest value is the 30e6 every image decodes to, and its true largest value.</summary>
    private static (MelSpectrogram Frame, double Max) ToImageScale(MelSpectrogram frame)
    {
        double max = frame.MaxValue();
        if (max <= 0)
        {
            return (frame, SpectrogramParams.RiffusionDecodeMaxValue);
        }

        float scale = (float)(SpectrogramParams.RiffusionDecodeMaxValue / max);
        foreach (float[] channel in frame.Channels)
        {
            for (int k = 0; k < channel.Length; k++)
            {
                channel[k] *= scale;
            }
        }

        return (frame, max);
    }
}
