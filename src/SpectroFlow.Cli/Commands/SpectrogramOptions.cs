using System.CommandLine;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Cli.Commands;

/// <summary>The command-line options that set <see cref="SpectrogramParams"/> fields, shared by the conversion commands.</summary>
internal sealed class SpectrogramOptions
{
    public Option<string> Preset { get; } = new("--preset")
    {
        Description = "Parameter preset: riffusion (RGB, per-image max, EXIF) or chavinlo (grayscale, absolute max volume, no EXIF)",
        DefaultValueFactory = _ => "riffusion",
    };

    public Option<bool> Stereo { get; } = new("--stereo") { Description = "Two channels: G = left, B = right, R = 0" };

    public Option<int?> SampleRate { get; } = new("--sample-rate") { Description = "Conversion sample rate in Hz (default 44100)" };

    public Option<int?> StepMs { get; } = new("--step-ms") { Description = "Milliseconds per image column (default 10)" };

    public Option<int?> WindowMs { get; } = new("--window-ms") { Description = "Hann window length in ms (default 100)" };

    public Option<int?> PaddedMs { get; } = new("--padded-ms") { Description = "FFT length in ms (default 400)" };

    public Option<int?> MelBins { get; } = new("--n-mels") { Description = "Mel bins = image height (default 512)" };

    public Option<int?> MinHz { get; } = new("--min-hz") { Description = "Lowest mel frequency in Hz (default 0)" };

    public Option<int?> MaxHz { get; } = new("--max-hz") { Description = "Highest mel frequency in Hz (default 10000)" };

    public Option<double?> Power { get; } = new("--power") { Description = "Power applied before quantising (default 0.25)" };

    public Option<double?> MaxVolume { get; } = new("--max-volume") { Description = "chavinlo preset: absolute full-scale volume (default 100)" };

    public Option<int?> Iterations { get; } = new("--iterations") { Description = "Griffin-Lim iterations (default 32)" };

    public void AddTo(Command command, bool includeIterations)
    {
        Preset.AcceptOnlyFromAmong("riffusion", "chavinlo");
        command.Options.Add(Preset);
        command.Options.Add(Stereo);
        command.Options.Add(SampleRate);
        command.Options.Add(StepMs);
        command.Options.Add(WindowMs);
        command.Options.Add(PaddedMs);
        command.Options.Add(MelBins);
        command.Options.Add(MinHz);
        command.Options.Add(MaxHz);
        command.Options.Add(Power);
        command.Options.Add(MaxVolume);
        if (includeIterations)
        {
            command.Options.Add(Iterations);
        }
    }

    /// <summary>The preset chosen on the command line, without any field overrides.</summary>
    public SpectrogramParams PresetParams(ParseResult result) =>
        result.GetValue(Preset) == "chavinlo" ? SpectrogramParams.Chavinlo : SpectrogramParams.Riffusion;

    /// <summary>The options of the <c>mel</c> block that give the same parameters: the preset and each field given.</summary>
    public IEnumerable<(string Key, object Value)> MelOptions(ParseResult result)
    {
        yield return ("preset", result.GetValue(Preset) ?? "riffusion");
        if (result.GetValue(Stereo))
        {
            yield return ("stereo", true);
        }

        foreach ((string key, int? value) in new[]
        {
            ("sample_rate", result.GetValue(SampleRate)), ("step_ms", result.GetValue(StepMs)), ("window_ms", result.GetValue(WindowMs)),
            ("padded_ms", result.GetValue(PaddedMs)), ("n_mels", result.GetValue(MelBins)), ("min_hz", result.GetValue(MinHz)), ("max_hz", result.GetValue(MaxHz)),
        })
        {
            if (value is { } given)
            {
                yield return (key, given);
            }
        }

        if (result.GetValue(Power) is { } power)
        {
            yield return ("power", power);
        }

        if (result.GetValue(MaxVolume) is { } maxVolume)
        {
            yield return ("max_volume", maxVolume);
        }
    }

    /// <summary>True when any field option was given explicitly.</summary>
    public bool AnyFieldGiven(ParseResult result) =>
        result.GetValue(Stereo) || result.GetValue(SampleRate) is not null || result.GetValue(StepMs) is not null ||
        result.GetValue(WindowMs) is not null || result.GetValue(PaddedMs) is not null || result.GetValue(MelBins) is not null ||
        result.GetValue(MinHz) is not null || result.GetValue(MaxHz) is not null || result.GetValue(Power) is not null ||
        result.GetValue(MaxVolume) is not null;

    /// <summary>Applies the explicitly given field options on top of <paramref name="baseParams"/> and validates the result.</summary>
    /// <exception cref="UsageException">The combination is invalid (every problem listed).</exception>
    public SpectrogramParams Apply(ParseResult result, SpectrogramParams baseParams)
    {
        SpectrogramParams p = baseParams with
        {
            Stereo = result.GetValue(Stereo) || baseParams.Stereo,
            SampleRate = result.GetValue(SampleRate) ?? baseParams.SampleRate,
            StepSizeMs = result.GetValue(StepMs) ?? baseParams.StepSizeMs,
            WindowDurationMs = result.GetValue(WindowMs) ?? baseParams.WindowDurationMs,
            PaddedDurationMs = result.GetValue(PaddedMs) ?? baseParams.PaddedDurationMs,
            NumFrequencies = result.GetValue(MelBins) ?? baseParams.NumFrequencies,
            MinFrequency = result.GetValue(MinHz) ?? baseParams.MinFrequency,
            MaxFrequency = result.GetValue(MaxHz) ?? baseParams.MaxFrequency,
            PowerForImage = result.GetValue(Power) ?? baseParams.PowerForImage,
            MaxVolume = result.GetValue(MaxVolume) ?? baseParams.MaxVolume,
            GriffinLimIterations = result.GetValue(Iterations) ?? baseParams.GriffinLimIterations,
        };
        if (p.Stereo && p.Scale == IntensityScale.AbsoluteMaxVolume)
        {
            throw new UsageException("--stereo is not available with --preset chavinlo (grayscale images are mono)");
        }

        IReadOnlyList<SpectrogramProblem> problems = p.Validate();
        if (problems.Count > 0)
        {
            throw new UsageException("invalid spectrogram parameters: " + SpectrogramProblem.Join(problems));
        }

        return p;
    }
}
