using System.ComponentModel;
using SpectroFlow.Audio.Codecs;
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
public sealed class MelOptions : IBlockOptions
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
        foreach (string problem in p.Validate())
        {
            errors.Add(KeyFor(problem), problem);
        }

        if (p.Stereo && p.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            errors.Add(Stereo is null ? "preset" : "stereo", "stereo is not supported with the chavinlo (absolute-max-volume) scale");
        }
    }

    private string KeyFor(string problem) => problem switch
    {
        _ when problem.StartsWith("sample rate", StringComparison.Ordinal) => "sample_rate",
        _ when problem.StartsWith("step size", StringComparison.Ordinal) => "step_ms",
        _ when problem.StartsWith("window duration", StringComparison.Ordinal) => WindowMs is null && StepMs is not null ? "step_ms" : "window_ms",
        _ when problem.StartsWith("padded duration", StringComparison.Ordinal) => PaddedMs is null && WindowMs is not null ? "window_ms" : "padded_ms",
        _ when problem.StartsWith("number of frequencies", StringComparison.Ordinal) => "n_mels",
        _ when problem.StartsWith("frequency range", StringComparison.Ordinal) => MinHz is null && MaxHz is not null ? "max_hz" : "min_hz",
        _ when problem.StartsWith("max frequency", StringComparison.Ordinal) => MaxHz is null && SampleRate is not null ? "sample_rate" : "max_hz",
        _ when problem.StartsWith("power", StringComparison.Ordinal) => "power",
        _ when problem.StartsWith("Griffin-Lim", StringComparison.Ordinal) => "iterations",
        _ when problem.StartsWith("max volume", StringComparison.Ordinal) => "max_volume",
        _ => SampleRate is not null ? "sample_rate" : "step_ms",
    };
}

/// <summary>
/// <c>mel</c>: audio to a mel spectrogram. Mixes channels and resamples to the parameters itself, so a recipe needs no
/// <c>resample</c> step before it.
/// </summary>
public sealed class MelBlock(MelOptions options) : IBlock<AudioClip, MelSpectrogram>
{
    private readonly SpectrogramParams _params = options.ToParams();

    /// <inheritdoc/>
    public ValueTask<MelSpectrogram> ProcessAsync(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        MelSpectrogram mel = BlockFailure.Run(context, () =>
        {
            int channels = _params.Stereo ? 2 : 1;
            AudioClip clip = input.ChannelCount == channels ? input : ChannelMixer.ToChannels(input, _params.Stereo);
            if (clip.SampleRate != _params.SampleRate)
            {
                clip = Resampler.Resample(clip, _params.SampleRate);
            }

            return SpectrogramConverter.For(_params).ToMel(clip, cancellationToken);
        });
        return ValueTask.FromResult(mel);
    }
}
