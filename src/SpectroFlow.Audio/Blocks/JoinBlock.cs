using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="JoinBlock"/>.</summary>
[ProducesMetadata(
    DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey, WorkItem.Keys.DurationSeconds, JoinBlock.PartsKey, InvertBlock.PhaseInitKey, InvertBlock.QualityKey, InvertBlock.IterationsKey,
    InvertBlock.LevellingKey)]
public sealed class JoinOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>Griffin-Lim iterations per window; null uses the quality preset's (for <c>default</c>, the parameters' 32).</summary>
    [Range(0, 10000)]
    [Description("Griffin-Lim iterations per window (default: the quality preset's; for quality default, the spectrogram's, 32).")]
    public int? Iterations { get; init; }

    /// <summary>Where the phases start: <c>pghi</c> (from the magnitudes; the default) or <c>random</c> (Riffusion's method, seeded).</summary>
    [Description("pghi (phases from the magnitudes, then fast Griffin-Lim keeping the best iterate; default) or random (Riffusion's method, seeded).")]
    public PhaseInit PhaseInit { get; init; } = PhaseInit.Pghi;

    /// <summary>Effort preset: <c>draft</c> (8 iterations), <c>default</c>, <c>high</c> (256); <c>iterations</c> overrides its count.</summary>
    [Description("draft (8 iterations), default (the spectrogram's, 32) or high (256); iterations, when set, wins.")]
    public InversionQuality Quality { get; init; } = InversionQuality.Default;

    /// <summary>Crossfade between consecutive parts in ms (rounded to whole columns: 10 ms for Riffusion); 0 butts them.</summary>
    [Range(0, 600000)]
    [Description("Crossfade between parts in ms, rounded to whole columns (10 ms for Riffusion); 0 = parts end to end.")]
    public int CrossfadeMs { get; init; }

    /// <summary>Columns per Griffin-Lim window (memory stays bounded for any length).</summary>
    [Range(64, 1000000)]
    [Description("Columns per Griffin-Lim window (bounds memory for any length).")]
    public int WindowColumns { get; init; } = 1024;

    /// <summary>Columns consecutive windows share (phases carried, output crossfaded).</summary>
    [Range(8, 500000)]
    [Description("Columns consecutive windows share (phases carried over, output crossfaded).")]
    public int OverlapColumns { get; init; } = 128;

    /// <summary>Output levelling of per-image-max spectrograms, once for the whole track.</summary>
    [Description(OutputLevelling.OptionDescription)]
    public Levelling Levelling { get; init; } = Levelling.Peak;

    /// <summary>Threads for the inversion (0 = every core); results do not depend on it.</summary>
    [Range(0, 1024)]
    [Description("Threads (0 = every core); results do not depend on it.")]
    public int Threads { get; init; }

    /// <summary>The seed of the random initial phases (null: the group's own seed, from the recipe seed and its key).</summary>
    [Description("Seed of the random initial phases (default: the group's seed from the recipe seed and its key).")]
    public ulong? Seed { get; init; }

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) =>
        input?.Spectrogram is { } p ? new PayloadFormat(p.SampleRate, p.Stereo ? 2 : 1) : PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (OverlapColumns * 2 > WindowColumns)
        {
            errors.Add("overlap_columns", $"must be at most half of window_columns ({WindowColumns})");
        }
    }
}

/// <summary>
/// <c>join</c>: a group of mel spectrograms (the images of a folder, in natural order) to ONE audio clip, inverted as
/// one phase-continuous signal (see <see cref="JoinedInversion"/>), so the seams do not click. Parts keep their
/// loudness relative to each other (the EXIF MAX_VALUE that <c>decode-image</c> puts in <c>max_value</c>), then
/// the output is levelled once for the whole track. Every part must have the same parameters and height (a
/// mismatch fails the group with one line naming the part). One part is a plain inversion (logged). A part that
/// failed upstream never arrives: the group is joined from the parts that did (the failure is in the run's errors).
/// </summary>
public sealed class JoinBlock(JoinOptions options) : IGroupBlock<MelSpectrogram, AudioClip>
{
    /// <summary>Metadata: how many parts were joined.</summary>
    public const string PartsKey = "parts";

    /// <summary>Metadata written by <c>decode-image</c>: the image's EXIF MAX_VALUE.</summary>
    public const string MaxValueKey = "max_value";

    /// <inheritdoc/>
    public async ValueTask<AudioClip> ProcessAsync(IAsyncEnumerable<Part<MelSpectrogram>> parts, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(context);
        var joined = new List<JoinPart>();
        await foreach (Part<MelSpectrogram> part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            joined.Add(new JoinPart(part.Payload, PartName(part.Item), Gain(part)));
        }

        if (joined.Count == 0)
        {
            throw new Core.Errors.SpectroFlowException("nothing to join: no spectrograms arrived");
        }

        // Levels relative to the first part: the first keeps its amplitudes exactly (a one-part join is the plain inversion).
        double reference = joined[0].Gain;
        for (int i = 0; i < joined.Count; i++)
        {
            joined[i] = joined[i] with { Gain = joined[i].Gain / reference };
        }

        SpectrogramParams parameters = joined[0].Mel.Parameters;
        int crossfadeColumns = (int)Math.Round(options.CrossfadeMs / (double)parameters.StepSizeMs, MidpointRounding.AwayFromZero);
        string group = context.Item.Key == context.BlockId ? context.BlockId : $"{context.BlockId}: {context.Item.Key}";
        context.Run.Log(joined.Count == 1
            ? $"{group}: one part only ({joined[0].Name}), a plain inversion"
            : $"{group}: joining {joined.Count} parts in this order: {string.Join(", ", joined.Select(p => p.Name))}");
        MelSpectrogram track = JoinedInversion.Join(joined, crossfadeColumns);
        long partCount = joined.Count;
        joined.Clear();
        int iterations = InversionSettings.Iterations(options.Quality, options.Iterations, parameters.GriffinLimIterations);
        var inversion = new JoinedInversionOptions
        {
            Iterations = iterations,
            PhaseInit = options.PhaseInit,
            CrossfadeColumns = crossfadeColumns,
            WindowColumns = options.WindowColumns,
            OverlapColumns = options.OverlapColumns,
            Seed = options.Seed ?? context.Seed,
            MaxDegreeOfParallelism = options.Threads,
        };
        AudioClip audio = await Task.Run(
            () => JoinedInversion.Invert(SpectrogramConverter.For(context.Run, parameters), track, inversion, context.Item.Key, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        Levelling levelling = OutputLevelling.For(options.Levelling, parameters.Scale);
        AudioClip clip = OutputLevelling.Apply(audio, levelling);
        context.OutputMetadata[DecodeBlock.SampleRateKey] = (long)clip.SampleRate;
        context.OutputMetadata[DecodeBlock.ChannelsKey] = (long)clip.ChannelCount;
        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = clip.DurationSeconds;
        context.OutputMetadata[PartsKey] = partCount;
        InvertBlock.RecordInversion(context.OutputMetadata, options.PhaseInit, options.Quality, iterations, levelling);
        return clip;
    }

    internal static string PartName(WorkItem item) =>
        item.Metadata.TryGetValue(WorkItem.Keys.SourcePath, out object? path) && path is string text ? Path.GetFileName(text) : item.Key;

    /// <summary>The part's level relative to the 30e6 every Riffusion image decodes to: its EXIF MAX_VALUE, when known.</summary>
    internal static double Gain(Part<MelSpectrogram> part) =>
        part.Payload.Parameters.Scale == IntensityScale.PerImageMax
        && part.Item.Metadata.TryGetValue(MaxValueKey, out object? value)
        && Convert.ToDouble(value, CultureInfo.InvariantCulture) is > 0 and var max && double.IsFinite(max)
            ? max / SpectrogramParams.RiffusionDecodeMaxValue
            : 1.0;
}
