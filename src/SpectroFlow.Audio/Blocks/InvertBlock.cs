using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Options of <see cref="InvertBlock"/>.</summary>
[ProducesMetadata(DecodeBlock.SampleRateKey, DecodeBlock.ChannelsKey, WorkItem.Keys.DurationSeconds, InvertBlock.PhaseInitKey, InvertBlock.QualityKey, InvertBlock.IterationsKey, InvertBlock.LevellingKey)]
public sealed class InvertOptions : IBlockOptions, IDeclaresFormat
{
    /// <summary>Griffin-Lim iterations; null uses the quality preset's (for <c>default</c>, the spectrogram parameters' value).</summary>
    [Range(0, 10000)]
    [Description("Griffin-Lim iterations (default: the quality preset's; for quality default, the spectrogram's parameters, 32 for Riffusion).")]
    public int? Iterations { get; init; }

    /// <summary>Where the phases start: <c>pghi</c> (from the magnitudes; the default) or <c>random</c> (Riffusion's method, seeded).</summary>
    [Description("pghi (phases from the magnitudes, then fast Griffin-Lim keeping the best iterate; default) or random (Riffusion's method, seeded).")]
    public PhaseInit PhaseInit { get; init; } = PhaseInit.Pghi;

    /// <summary>Effort preset: <c>draft</c> (8 iterations), <c>default</c>, <c>high</c> (256); <c>iterations</c> overrides its count.</summary>
    [Description("draft (8 iterations), default (the spectrogram's, 32) or high (256); iterations, when set, wins.")]
    public InversionQuality Quality { get; init; } = InversionQuality.Default;

    /// <summary>Output levelling of per-image-max spectrograms (absolute-scale ones keep their level).</summary>
    [Description(OutputLevelling.OptionDescription)]
    public Levelling Levelling { get; init; } = Levelling.Peak;

    /// <summary>
    /// Threads one item's Griffin-Lim may use (0 = every core); results do not depend on it. Default 1: the step
    /// already runs one item per core, and more threads per item would oversubscribe the CPU.
    /// </summary>
    [Range(0, 1024)]
    [Description("Threads per item (0 = every core; default 1 because the step already runs one item per core).")]
    public int Threads { get; init; } = 1;

    /// <summary>
    /// The seed of Griffin-Lim's random initial phases for every item (null: each item's own seed, derived from the
    /// recipe seed and the item's key), e.g. to reproduce a result made with a known seed.
    /// </summary>
    [Description("Seed of the random initial phases for every item (default: each item's seed from the recipe seed and its key).")]
    public ulong? Seed { get; init; }

    /// <inheritdoc/>
    public PayloadFormat OutputFormat(PayloadFormat input) =>
        input?.Spectrogram is { } p ? new PayloadFormat(p.SampleRate, p.Stereo ? 2 : 1) : PayloadFormat.Unknown;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>
/// <c>invert</c>: a mel spectrogram back to audio: phases from the magnitudes (PGHI) refined by fast Griffin-Lim, or
/// Riffusion's random start, whose phases come from the item's block seed (or the <c>seed</c> option), so results do
/// not depend on parallelism or run order either way.
/// </summary>
public sealed class InvertBlock(InvertOptions options) : SyncBlock<MelSpectrogram, AudioClip>
{
    /// <summary>Metadata key: how the phases started (<c>pghi</c> or <c>random</c>), recorded in the manifest with each output.</summary>
    public const string PhaseInitKey = "phase_init";

    /// <summary>Metadata key: the quality preset (<c>draft</c>, <c>default</c>, <c>high</c>).</summary>
    public const string QualityKey = "inversion_quality";

    /// <summary>Metadata key: the Griffin-Lim iterations that ran.</summary>
    public const string IterationsKey = "inversion_iterations";

    /// <summary>Metadata key: the output levelling that was applied (<c>peak</c>, <c>riffusion</c> or <c>raw</c>).</summary>
    public const string LevellingKey = "levelling";

    /// <summary>Records how an inversion was made in <paramref name="metadata"/> (the manifest keeps it with the output).</summary>
    public static void RecordInversion(IDictionary<string, object> metadata, PhaseInit phaseInit, InversionQuality quality, int iterations, Levelling levelling)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        metadata[PhaseInitKey] = InversionSettings.Name(phaseInit);
        metadata[QualityKey] = InversionSettings.Name(quality);
        metadata[IterationsKey] = (long)iterations;
        metadata[LevellingKey] = OutputLevelling.Name(levelling);
    }

    /// <inheritdoc/>
    protected override AudioClip Process(MelSpectrogram input, BlockContext context, CancellationToken cancellationToken)
    {
        int iterations = InversionSettings.Iterations(options.Quality, options.Iterations, input.Parameters.GriffinLimIterations);
        var inversion = new InversionOptions
        {
            Iterations = iterations,
            Seed = options.Seed ?? context.Seed,
            MaxDegreeOfParallelism = options.Threads,
            PhaseInit = options.PhaseInit,
        };
        AudioClip audio = SpectrogramConverter.For(context.Run, input.Parameters).ToAudio(input, inversion, context.Item.Key, cancellationToken);
        Levelling levelling = OutputLevelling.For(options.Levelling, input.Parameters.Scale);
        AudioClip clip = OutputLevelling.Apply(audio, levelling);
        context.OutputMetadata[DecodeBlock.SampleRateKey] = (long)clip.SampleRate;
        context.OutputMetadata[DecodeBlock.ChannelsKey] = (long)clip.ChannelCount;
        context.OutputMetadata[WorkItem.Keys.DurationSeconds] = clip.DurationSeconds;
        RecordInversion(context.OutputMetadata, options.PhaseInit, options.Quality, iterations, levelling);
        return clip;
    }
}
