using System.Globalization;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Core.Blocks;

/// <summary>
/// What is known about a payload's format: sample rate and channels of audio, the spectrogram parameters of a mel or an
/// image. Null fields are unknown (e.g. decoded audio: every file has its own rate). The recipe loader propagates
/// formats through the graph where blocks declare them (<see cref="IDeclaresFormat"/>), so two inputs of a pair that
/// cannot agree are a recipe error; at run time, payloads state theirs (<see cref="IHasFormat"/>).
/// </summary>
/// <param name="SampleRate">Samples per second, or null when unknown.</param>
/// <param name="Channels">Channel count, or null when unknown.</param>
/// <param name="Spectrogram">Spectrogram parameters, or null when unknown or not a spectrogram.</param>
public sealed record PayloadFormat(int? SampleRate = null, int? Channels = null, SpectrogramParams? Spectrogram = null)
{
    /// <summary>Nothing known.</summary>
    public static PayloadFormat Unknown { get; } = new();

    /// <summary>Why <paramref name="other"/> cannot be combined with this format (fields known in both differ), or null.</summary>
    public string? Conflict(PayloadFormat other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (SampleRate is { } rate && other.SampleRate is { } otherRate && rate != otherRate)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{rate} Hz against {otherRate} Hz");
        }

        if (Channels is { } channels && other.Channels is { } otherChannels && channels != otherChannels)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{channels} channel(s) against {otherChannels}");
        }

        // Griffin-Lim iterations ride along in the parameters but do not change what the pixels mean.
        if (Spectrogram is { } parameters && other.Spectrogram is { } otherParameters
            && parameters with { GriffinLimIterations = 0 } != otherParameters with { GriffinLimIterations = 0 })
        {
            return $"spectrogram parameters differ ({Describe(parameters, otherParameters)})";
        }

        return null;
    }

    private static string Describe(SpectrogramParams a, SpectrogramParams b)
    {
        var differences = new List<string>();
        foreach (System.Reflection.PropertyInfo property in typeof(SpectrogramParams).GetProperties())
        {
            object? x = property.GetValue(a), y = property.GetValue(b);
            if (!Equals(x, y) && property.Name != nameof(SpectrogramParams.GriffinLimIterations))
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture, $"{property.Name} {x} against {y}"));
            }
        }

        return string.Join(", ", differences);
    }
}

/// <summary>A payload that knows its format (audio clips, mel spectrograms, spectrogram images).</summary>
public interface IHasFormat
{
    /// <summary>The payload's format.</summary>
    PayloadFormat Format { get; }
}

/// <summary>Run-time format checks for blocks that combine items and cannot conform them.</summary>
public static class PayloadFormats
{
    /// <summary>
    /// Throws one line naming both items when their payloads' formats cannot be combined (sample rates, channels or
    /// spectrogram parameters differ); a block that can conform (resample, mix) does that instead of calling this.
    /// </summary>
    /// <exception cref="Errors.SpectroFlowException">The formats differ.</exception>
    public static void EnsureCompatible(WorkItem a, WorkItem b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Payload is IHasFormat x && b.Payload is IHasFormat y && x.Format.Conflict(y.Format) is { } conflict)
        {
            throw new Errors.SpectroFlowException($"{a.Key} and {b.Key} cannot be combined: {conflict}");
        }
    }
}

/// <summary>
/// Options of a block whose output format is known when the recipe loads (a resample to 44.1 kHz, a mel with given
/// parameters), for the loader to propagate through the graph.
/// </summary>
public interface IDeclaresFormat
{
    /// <summary>The output format, given what is known of the input's.</summary>
    PayloadFormat OutputFormat(PayloadFormat input);
}
