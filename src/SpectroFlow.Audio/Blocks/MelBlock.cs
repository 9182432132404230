using System.ComponentModel;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Blocks;

/// <summary>A named set of spectrogram parameters.</summary>
public enum SpectrogramPreset
{
    /// <summary><see cref="SpectrogramParams.Riffusion"/>.</summary>
    Riffusion,

    /// <summary><see cref="SpectrogramParams.Chavinlo"/>.</summary>
    Chavinlo,
}

/// <summary>Options of <see cref="MelBlock"/>: a preset and optional overrides of each parameter.</summary>
[ProducesMetadata]
public sealed class MelOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>Base parameters.</summary>
    [Description("riffusion or chavinlo; the other keys override its values.")]
    public SpectrogramPreset Preset { get; init; } = SpectrogramPreset.Riffusion;

    /// <summary>Two channels instead of one.</summary>
    [Description("Stereo spectrogram (image G = left, B = right).")]
    public bool? Stereo { get; init; }

    /// <summary>Sample rate in Hz the conversion runs at (the block resamples to it).</summary>
    [Description("Sample rate in Hz (input is resampled to it).")]
    public int? SampleRate { get; init; }

    /// <summary>Milliseconds between frames.</summary>
    [Description("Milliseconds between STFT frames.")]
    public int? StepMs { get; init; }

    /// <summary>Hann window length in ms.</summary>
    [Description("Hann window length in ms.")]
    public int? WindowMs { get; init; }

    /// <summary>FFT length in ms.</summary>
    [Description("FFT length in ms (window zero-padded).")]
    public int? PaddedMs { get; init; }

    /// <summary>Mel bins (image height).</summary>
    [Description("Number of mel bins = image height.")]
    public int? NMels { get; init; }

    /// <summary>Lowest mel edge in Hz.</summary>
    [Description("Lowest mel filter edge in Hz.")]
    public int? MinHz { get; init; }

    /// <summary>Highest mel edge in Hz.</summary>
    [Description("Highest mel filter edge in Hz.")]
    public int? MaxHz { get; init; }

    /// <summary>Image exponent.</summary>
    [Description("Exponent applied to normalised amplitudes in images.")]
    public double? Power { get; init; }

    /// <summary>Absolute-scale max volume.</summary>
    [Description("chavinlo's max volume (absolute scale).")]
    public double? MaxVolume { get; init; }

    /// <summary>Griffin-Lim iterations recorded for inversion.</summary>
    [Description("Griffin-Lim iterations used when inverting.")]
    public int? Iterations { get; init; }

    /// <summary>Intensity scale.</summary>
    [Description("per-image-max (Riffusion) or absolute-max-volume (chavinlo).")]
    public IntensityScale? Scale { get; init; }

    /// <summary>
    /// Keep each clip's own sample rate instead of resampling to <see cref="SampleRate"/> (per-image-max scale only; a
    /// rate the other parameters do not fit fails the item).
    /// </summary>
    [Description("Keep each clip's own sample rate instead of resampling (per-image-max scale only; recorded in EXIF).")]
    public bool NativeRate { get; init; }

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input)
    {
        SpectrogramParams p = ToParams();
        return NativeRate && p.Scale == IntensityScale.PerImageMax
            ? new PayloadFormat(input?.SampleRate, p.Stereo ? 2 : 1)
            : new PayloadFormat(p.SampleRate, p.Stereo ? 2 : 1, p);
    }

    /// <summary>The resulting parameters.</summary>
    public SpectrogramParams ToParams()
    {
        SpectrogramParams p = Preset == SpectrogramPreset.Chavinlo ? SpectrogramParams.Chavinlo : SpectrogramParams.Riffusion;
        return p with
        {
            Stereo = Stereo ?? p.Stereo,
            SampleRate = SampleRate ?? p.SampleRate,
            StepSizeMs = StepMs ?? p.StepSizeMs,
            WindowDurationMs = WindowMs ?? p.WindowDurationMs,
            PaddedDurationMs = PaddedMs ?? p.PaddedDurationMs,
            NumFrequencies = NMels ?? p.NumFrequencies,
            MinFrequency = MinHz ?? p.MinFrequency,
            MaxFrequency = MaxHz ?? p.MaxFrequency,
            PowerForImage = Power ?? p.PowerForImage,
            MaxVolume = MaxVolume ?? p.MaxVolume,
            GriffinLimIterations = Iterations ?? p.GriffinLimIterations,
            Scale = Scale ?? p.Scale,
        };
    }

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        SpectrogramParams p = ToParams();
        foreach (SpectrogramProblem problem in p.Validate())
        {
            errors.Add(KeyFor(problem), problem.Message);
        }

        if (p.Stereo && p.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            errors.Add(Stereo is null ? "preset" : "stereo", "stereo is not supported with the chavinlo (absolute-max-volume) scale");
        }
    }

    /// <summary>
    /// The option key to report <paramref name="problem"/> at: of the parameters it names, the first one this step sets
    /// (the value the user wrote), else the first one (a preset value).
    /// </summary>
    private string KeyFor(SpectrogramProblem problem)
    {
        (string Key, bool IsSet) OptionFor(string parameter) => parameter switch
        {
            nameof(SpectrogramParams.SampleRate) => ("sample_rate", SampleRate is not null),
            nameof(SpectrogramParams.StepSizeMs) => ("step_ms", StepMs is not null),
            nameof(SpectrogramParams.WindowDurationMs) => ("window_ms", WindowMs is not null),
            nameof(SpectrogramParams.PaddedDurationMs) => ("padded_ms", PaddedMs is not null),
            nameof(SpectrogramParams.NumFrequencies) => ("n_mels", NMels is not null),
            nameof(SpectrogramParams.MinFrequency) => ("min_hz", MinHz is not null),
            nameof(SpectrogramParams.MaxFrequency) => ("max_hz", MaxHz is not null),
            nameof(SpectrogramParams.PowerForImage) => ("power", Power is not null),
            nameof(SpectrogramParams.GriffinLimIterations) => ("iterations", Iterations is not null),
            nameof(SpectrogramParams.MaxVolume) => ("max_volume", MaxVolume is not null),
            _ => ("preset", true),
        };

        List<(string Key, bool IsSet)> options = [.. problem.Parameters.Select(OptionFor)];
        return options.FirstOrDefault(o => o.IsSet, options[0]).Key;
    }
}

/// <summary>
/// <c>mel</c>: audio to a mel spectrogram. Mixes channels and resamples to the parameters itself, so a recipe needs no
/// <c>resample</c> step before it.
/// </summary>
public sealed class MelBlock(MelOptions options) : SyncBlock<AudioClip, MelSpectrogram>
{
    private readonly SpectrogramParams _params = options.ToParams();

    private readonly bool _nativeRate = options.NativeRate && options.ToParams().Scale == IntensityScale.PerImageMax;

    /// <inheritdoc/>
    protected override MelSpectrogram Process(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        SpectrogramConverter converter = SpectrogramConverter.For(context.Run, _nativeRate ? AtRate(input.SampleRate) : _params);
        return converter.ToMel(converter.Conform(input), cancellationToken);
    }

    private SpectrogramParams AtRate(int sampleRate)
    {
        SpectrogramParams native = _params with { SampleRate = sampleRate };
        IReadOnlyList<SpectrogramProblem> problems = native.Validate();
        return problems.Count == 0
            ? native
            : throw new Core.Errors.SpectroFlowException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"its sample rate {sampleRate} Hz does not fit the parameters: {SpectrogramProblem.Join(problems)}"));
    }
}
