using System.ComponentModel;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Parameters assumed for images without Riffusion EXIF.</summary>
public enum ImagePreset
{
    /// <summary><see cref="SpectrogramParams.Riffusion"/>.</summary>
    Riffusion,

    /// <summary><see cref="SpectrogramParams.Chavinlo"/>.</summary>
    Chavinlo,
}

/// <summary>
/// Options of <see cref="DecodeImageBlock"/>: the preset for images without EXIF, and overrides of single parameters
/// applied to every image's parameters (its EXIF's or the preset's), as <c>image-to-audio</c>'s options do.
/// </summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, "width", "height", "max_value")]
public sealed class DecodeImageOptions : IBlockOptions
{
    /// <summary>Parameters for images without (complete) Riffusion EXIF.</summary>
    [Description("riffusion or chavinlo: parameters for images without Riffusion EXIF.")]
    public ImagePreset Preset { get; init; } = ImagePreset.Riffusion;

    /// <summary>Two channels (true only: an image's stereo parameters stay stereo).</summary>
    [Description("Override: stereo spectrogram (G = left, B = right).")]
    public bool? Stereo { get; init; }

    /// <summary>Sample rate in Hz.</summary>
    [Description("Override: sample rate in Hz.")]
    public int? SampleRate { get; init; }

    /// <summary>Milliseconds between frames.</summary>
    [Description("Override: milliseconds per image column.")]
    public int? StepMs { get; init; }

    /// <summary>Hann window length in ms.</summary>
    [Description("Override: Hann window length in ms.")]
    public int? WindowMs { get; init; }

    /// <summary>FFT length in ms.</summary>
    [Description("Override: FFT length in ms.")]
    public int? PaddedMs { get; init; }

    /// <summary>Mel bins (image height).</summary>
    [Description("Override: number of mel bins = image height.")]
    public int? NMels { get; init; }

    /// <summary>Lowest mel edge in Hz.</summary>
    [Description("Override: lowest mel filter edge in Hz.")]
    public int? MinHz { get; init; }

    /// <summary>Highest mel edge in Hz.</summary>
    [Description("Override: highest mel filter edge in Hz.")]
    public int? MaxHz { get; init; }

    /// <summary>Image exponent.</summary>
    [Description("Override: exponent applied to normalised amplitudes in images.")]
    public double? Power { get; init; }

    /// <summary>Absolute-scale max volume.</summary>
    [Description("Override: chavinlo's max volume (absolute scale).")]
    public double? MaxVolume { get; init; }

    /// <summary>True when any parameter override is set.</summary>
    public bool HasOverrides =>
        Stereo is not null || SampleRate is not null || StepMs is not null || WindowMs is not null || PaddedMs is not null ||
        NMels is not null || MinHz is not null || MaxHz is not null || Power is not null || MaxVolume is not null;

    /// <summary>The parameters for images without EXIF: the preset's, with the overrides applied.</summary>
    public SpectrogramParams Fallback() => Apply(Preset == ImagePreset.Chavinlo ? SpectrogramParams.Chavinlo : SpectrogramParams.Riffusion);

    /// <summary>Applies the overrides to <paramref name="baseParams"/> (not validated).</summary>
    public SpectrogramParams Apply(SpectrogramParams baseParams)
    {
        ArgumentNullException.ThrowIfNull(baseParams);
        return baseParams with
        {
            Stereo = Stereo == true || baseParams.Stereo,
            SampleRate = SampleRate ?? baseParams.SampleRate,
            StepSizeMs = StepMs ?? baseParams.StepSizeMs,
            WindowDurationMs = WindowMs ?? baseParams.WindowDurationMs,
            PaddedDurationMs = PaddedMs ?? baseParams.PaddedDurationMs,
            NumFrequencies = NMels ?? baseParams.NumFrequencies,
            MinFrequency = MinHz ?? baseParams.MinFrequency,
            MaxFrequency = MaxHz ?? baseParams.MaxFrequency,
            PowerForImage = Power ?? baseParams.PowerForImage,
            MaxVolume = MaxVolume ?? baseParams.MaxVolume,
        };
    }

    /// <summary>Why <paramref name="p"/> cannot be used, or null when it can.</summary>
    internal static string? Problem(SpectrogramParams p)
    {
        if (p.Stereo && p.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            return "stereo is not supported with the chavinlo (absolute-max-volume) scale";
        }

        IReadOnlyList<SpectrogramProblem> problems = p.Validate();
        return problems.Count == 0 ? null : "invalid spectrogram parameters: " + SpectrogramProblem.Join(problems);
    }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Problem(Fallback()) is { } problem)
        {
            errors.Add("preset", problem);
        }
    }
}

/// <summary>
/// <c>decode-image</c>: reads a spectrogram PNG (EXIF parameters when present, else the preset's), with the option's
/// parameter overrides applied; overridden parameters that do not fit fail the item.
/// </summary>
public sealed class DecodeImageBlock(DecodeImageOptions options) : IBlock<SourceFile, SpectrogramImage>
{
    private readonly SpectrogramParams _fallback = options.Fallback();

    /// <inheritdoc/>
    public ValueTask<SpectrogramImage> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        SpectrogramImage image = SpectrogramPng.Read(input.FullPath, _fallback);
        if (options.HasOverrides)
        {
            SpectrogramParams p = options.Apply(image.Parameters);
            image = Problem(p) is { } problem ? throw new SpectroFlowException(problem) : image.WithParameters(p);
        }

        context.OutputMetadata[WorkItem.Keys.SourcePath] = input.FullPath;
        context.OutputMetadata["width"] = (long)image.Width;
        context.OutputMetadata["height"] = (long)image.Height;
        if (image.MaxValue is { } maxValue)
        {
            // The EXIF MAX_VALUE: join keeps parts' loudness relative to each other with it.
            context.OutputMetadata["max_value"] = maxValue;
        }

        return ValueTask.FromResult(image);
    }

    private static string? Problem(SpectrogramParams p) => DecodeImageOptions.Problem(p);
}
