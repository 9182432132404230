using System.Globalization;
using System.Reflection;

namespace SpectroFlow.Core.Spectrograms;

/// <summary>How mel amplitudes map to pixel intensities.</summary>
public enum IntensityScale
{
    /// <summary>Riffusion: y = (mel / max)^power with one max per image (over all channels); RGB with EXIF.</summary>
    PerImageMax,

    /// <summary>chavinlo/riffusion-manipulation: pixel = 255 - mel^power * 255 / maxVolume; grayscale, no EXIF.</summary>
    AbsoluteMaxVolume,
}

/// <summary>
/// Every parameter of the audio &lt;-&gt; spectrogram-image conversion, with Riffusion's defaults
/// (riffusion/spectrogram_params.py). Immutable; derived sizes use Python's double-precision truncation so that
/// other sample rates give exactly Riffusion's sizes.
/// </summary>
public sealed record SpectrogramParams
{
    /// <summary>Riffusion's reference mel amplitude for decoding images (EXIF MAX_VALUE is ignored when decoding).</summary>
    public const double RiffusionDecodeMaxValue = 30e6;

    /// <summary>Riffusion's defaults: mono, 44.1 kHz, 10 ms steps, 512 mels over 0-10 kHz, power 0.25, 32 Griffin-Lim iterations.</summary>
    public static SpectrogramParams Riffusion { get; } = new();

    /// <summary>chavinlo/riffusion-manipulation: mono, grayscale, absolute scale with max volume 100, no EXIF.</summary>
    public static SpectrogramParams Chavinlo { get; } = new() { Scale = IntensityScale.AbsoluteMaxVolume };

    /// <summary>Two channels (image G = left, B = right, R = 0) instead of one (R = G = B).</summary>
    public bool Stereo { get; init; }

    /// <summary>Audio sample rate in Hz the conversion runs at.</summary>
    public int SampleRate { get; init; } = 44100;

    /// <summary>Milliseconds between STFT frames (one image column per step).</summary>
    public int StepSizeMs { get; init; } = 10;

    /// <summary>Length of the Hann window in milliseconds.</summary>
    public int WindowDurationMs { get; init; } = 100;

    /// <summary>FFT length in milliseconds (the window is zero-padded, centred, to this length).</summary>
    public int PaddedDurationMs { get; init; } = 400;

    /// <summary>Number of mel bins = image height in pixels.</summary>
    public int NumFrequencies { get; init; } = 512;

    /// <summary>Lowest mel filter edge in Hz.</summary>
    public int MinFrequency { get; init; }

    /// <summary>Highest mel filter edge in Hz.</summary>
    public int MaxFrequency { get; init; } = 10000;

    /// <summary>Exponent applied to normalised mel amplitudes before quantisation.</summary>
    public double PowerForImage { get; init; } = 0.25;

    /// <summary>Griffin-Lim iterations when turning an image back into audio.</summary>
    public int GriffinLimIterations { get; init; } = 32;

    /// <summary>Intensity mapping (Riffusion per-image max, or chavinlo's absolute max volume).</summary>
    public IntensityScale Scale { get; init; } = IntensityScale.PerImageMax;

    /// <summary>chavinlo's max volume (only with <see cref="IntensityScale.AbsoluteMaxVolume"/>).</summary>
    public double MaxVolume { get; init; } = 100;

    /// <summary>FFT size in samples: int(padded_ms / 1000 * sr).</summary>
    public int FftSize => MsToSamples(PaddedDurationMs);

    /// <summary>Hann window length in samples: int(window_ms / 1000 * sr).</summary>
    public int WindowLength => MsToSamples(WindowDurationMs);

    /// <summary>Hop between frames in samples: int(step_ms / 1000 * sr).</summary>
    public int HopLength => MsToSamples(StepSizeMs);

    /// <summary>Number of one-sided FFT bins: n_fft / 2 + 1.</summary>
    public int BinCount => FftSize / 2 + 1;

    /// <summary>Number of image columns (STFT frames) for <paramref name="samples"/> samples: 1 + samples / hop.</summary>
    public int FramesFor(long samples) => checked((int)(1 + samples / HopLength));

    /// <summary>Number of audio samples an image of <paramref name="width"/> columns decodes to: hop * (width - 1).</summary>
    public long SamplesFor(int width) => (long)HopLength * (width - 1);

    /// <summary>Checks every field and returns all problems (empty when valid), each naming the properties it is about.</summary>
    public IReadOnlyList<SpectrogramProblem> Validate()
    {
        var problems = new List<SpectrogramProblem>();
        void Add(string message, params string[] parameters) => problems.Add(new SpectrogramProblem(parameters, message));

        if (SampleRate is < 1000 or > 384000)
        {
            Add($"sample rate {SampleRate} Hz is outside 1000..384000", nameof(SampleRate));
        }

        if (StepSizeMs <= 0)
        {
            Add($"step size {StepSizeMs} ms must be positive", nameof(StepSizeMs));
        }

        if (WindowDurationMs <= 0)
        {
            Add($"window duration {WindowDurationMs} ms must be positive", nameof(WindowDurationMs));
        }

        if (WindowDurationMs < StepSizeMs)
        {
            Add($"window duration {WindowDurationMs} ms must be at least the step size {StepSizeMs} ms (or frames would not overlap)", nameof(WindowDurationMs), nameof(StepSizeMs));
        }

        if (PaddedDurationMs < WindowDurationMs)
        {
            Add($"padded duration {PaddedDurationMs} ms must be at least the window duration {WindowDurationMs} ms", nameof(PaddedDurationMs), nameof(WindowDurationMs));
        }

        if (NumFrequencies is < 8 or > 4096)
        {
            Add($"number of frequencies {NumFrequencies} is outside 8..4096", nameof(NumFrequencies));
        }

        if (MinFrequency < 0 || MinFrequency >= MaxFrequency)
        {
            Add($"frequency range {MinFrequency}..{MaxFrequency} Hz is empty or negative", nameof(MinFrequency), nameof(MaxFrequency));
        }

        if (MaxFrequency > SampleRate / 2)
        {
            Add($"max frequency {MaxFrequency} Hz is above the Nyquist frequency {SampleRate / 2} Hz", nameof(MaxFrequency), nameof(SampleRate));
        }

        if (!(PowerForImage > 0 && PowerForImage <= 4))
        {
            Add($"power for image {PowerForImage.ToString(CultureInfo.InvariantCulture)} is outside (0, 4]", nameof(PowerForImage));
        }

        if (GriffinLimIterations is < 0 or > 10000)
        {
            Add($"Griffin-Lim iterations {GriffinLimIterations} is outside 0..10000", nameof(GriffinLimIterations));
        }

        if (!(MaxVolume > 0))
        {
            Add($"max volume {MaxVolume.ToString(CultureInfo.InvariantCulture)} must be positive", nameof(MaxVolume));
        }

        if (problems.Count == 0 && (HopLength < 1 || WindowLength < 2 || FftSize < WindowLength))
        {
            Add($"the durations give hop {HopLength}, window {WindowLength} and FFT {FftSize} samples at {SampleRate} Hz", nameof(SampleRate), nameof(StepSizeMs), nameof(WindowDurationMs), nameof(PaddedDurationMs));
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem if the parameters are invalid.</summary>
    public SpectrogramParams EnsureValid()
    {
        IReadOnlyList<SpectrogramProblem> problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid spectrogram parameters: " + SpectrogramProblem.Join(problems));
        }

        return this;
    }

    // Python: int(ms / 1000.0 * sr), evaluated in double and truncated (0.4 * 44100 = 17640.000000000004).
    private int MsToSamples(int ms) => (int)(ms / 1000.0 * SampleRate);

    /// <summary>The parameters that differ from <paramref name="other"/>'s, as "Name a vs b, …" (for messages), or null when equal.</summary>
    public string? DifferenceFrom(SpectrogramParams other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (this == other)
        {
            return null;
        }

        var differences = new List<string>();
        foreach (PropertyInfo property in typeof(SpectrogramParams).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null)
            {
                continue;
            }

            object? x = property.GetValue(this);
            object? y = property.GetValue(other);
            if (!Equals(x, y))
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{property.Name} {x} vs {y}"));
            }
        }

        return differences.Count == 0 ? "they differ" : string.Join(", ", differences);
    }
}

/// <summary>One problem found by <see cref="SpectrogramParams.Validate"/>.</summary>
/// <param name="Parameters">
/// The <see cref="SpectrogramParams"/> properties the rule is about (<c>nameof</c> names), the one it checks first; a
/// rule comparing two values (window shorter than the step) names both, so a caller can blame the one a user changed.
/// </param>
/// <param name="Message">One line describing the problem.</param>
public sealed record SpectrogramProblem(IReadOnlyList<string> Parameters, string Message)
{
    /// <summary>The messages of <paramref name="problems"/>, separated by "; ".</summary>
    public static string Join(IEnumerable<SpectrogramProblem> problems) => string.Join("; ", problems.Select(p => p.Message));

    /// <inheritdoc/>
    public override string ToString() => Message;
}
