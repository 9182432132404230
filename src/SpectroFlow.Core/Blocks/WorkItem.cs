using System.Collections.Immutable;
using System.Globalization;

namespace SpectroFlow.Core.Blocks;

/// <summary>
/// What flows between blocks: a payload (an <c>AudioClip</c>, a <c>SpectrogramImage</c>, a <see cref="SourceFile"/>…)
/// with a stable key, an ordinal, a per-item seed and scalar metadata (source path, tags, clip index, time span,
/// later tempo, captions, licence). Immutable: blocks derive new items with <see cref="WithPayload"/> and
/// <see cref="WithMetadata(string, object)"/>.
/// </summary>
public sealed class WorkItem
{
    /// <summary>Well-known metadata keys.</summary>
    public static class Keys
    {
        /// <summary>Path of the file the item came from (string).</summary>
        public const string SourcePath = "source_path";

        /// <summary>Index of a clip cut from its parent (long).</summary>
        public const string ClipIndex = "clip_index";

        /// <summary>Start of the clip in its source, seconds (double).</summary>
        public const string StartSeconds = "start_seconds";

        /// <summary>Duration of the clip, seconds (double).</summary>
        public const string DurationSeconds = "duration_seconds";

        /// <summary>Comma-separated tags (string).</summary>
        public const string Tags = "tags";

        /// <summary>Id of the recipe input the item (or its source item) came from (string); set by the engine.</summary>
        public const string Input = "input";

        /// <summary>
        /// The source item's key within its input, without the input id that prefixes keys when a recipe has several
        /// inputs (string); set by the engine.
        /// </summary>
        public const string InputKey = "input_key";
    }

    private WorkItem(string key, long ordinal, object payload, ulong seed, ImmutableSortedDictionary<string, object> metadata)
    {
        Key = key;
        Ordinal = ordinal;
        Payload = payload;
        Seed = seed;
        Metadata = metadata;
    }

    /// <summary>
    /// Stable identity (e.g. the source's relative path, then <c>#3</c> per derived child), independent of run order;
    /// seeds and output names are derived from it.
    /// </summary>
    public string Key { get; }

    /// <summary>Position in the source's enumeration order (what "#17" prints); children keep their parent's.</summary>
    public long Ordinal { get; }

    /// <summary>The value blocks work on. Type-checked by the recipe validator through block payload types.</summary>
    public object Payload { get; }

    /// <summary>Seed of this item: derived from the recipe seed and <see cref="Key"/>, so parallelism does not change it.</summary>
    public ulong Seed { get; }

    /// <summary>Scalar metadata (string, bool, long, double, <see cref="TimeSpan"/>), sorted by key.</summary>
    public ImmutableSortedDictionary<string, object> Metadata { get; }

    /// <summary>Creates a root item (from a source).</summary>
    public static WorkItem Create(string key, long ordinal, object payload, ulong recipeSeed, IEnumerable<KeyValuePair<string, object>>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(payload);
        ImmutableSortedDictionary<string, object> meta = ImmutableSortedDictionary<string, object>.Empty;
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, object> pair in metadata)
            {
                meta = meta.SetItem(pair.Key, CheckScalar(pair.Key, pair.Value));
            }
        }

        return new WorkItem(key, ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(recipeSeed, key), meta);
    }

    /// <summary>
    /// Creates an item made of several inputs (a pair, a sequence, a group): key given by the combining block, ordinal of
    /// the first part, metadata of the first part, seed derived from the first part's seed and the new key.
    /// </summary>
    public static WorkItem Combine(string key, object payload, IReadOnlyList<WorkItem> parts)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("A combined item needs at least one part.", nameof(parts));
        }

        WorkItem first = parts[0];
        return new WorkItem(key, first.Ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(first.Seed, key), first.Metadata);
    }

    /// <summary>Same key, seed and metadata; new payload (a one-in-one-out block's result).</summary>
    public WorkItem WithPayload(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new WorkItem(Key, Ordinal, payload, Seed, Metadata);
    }

    /// <summary>A child (one of many outputs): key <c>parent#suffix</c>, own seed derived from the parent's.</summary>
    public WorkItem CreateChild(string suffix, object payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(suffix);
        ArgumentNullException.ThrowIfNull(payload);
        string key = Key + "#" + suffix;
        return new WorkItem(key, Ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(Seed, suffix), Metadata);
    }

    /// <summary>Adds or replaces one metadata value (a scalar).</summary>
    public WorkItem WithMetadata(string key, object value) =>
        new(Key, Ordinal, Payload, Seed, Metadata.SetItem(key, CheckScalar(key, value)));

    /// <summary>Adds or replaces several metadata values.</summary>
    public WorkItem WithMetadata(IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ImmutableSortedDictionary<string, object> meta = Metadata;
        foreach (KeyValuePair<string, object> pair in values)
        {
            meta = meta.SetItem(pair.Key, CheckScalar(pair.Key, pair.Value));
        }

        return new WorkItem(Key, Ordinal, Payload, Seed, meta);
    }

    /// <summary>A metadata value, or <paramref name="fallback"/> when absent or of another type.</summary>
    public T GetMetadata<T>(string key, T fallback) => Metadata.TryGetValue(key, out object? value) && value is T typed ? typed : fallback;

    /// <summary>Prints <c>#17 clips/intro.wav</c> (Dataflow records this for failed messages).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"#{Ordinal} {Key}");

    private static object CheckScalar(string key, object value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            string or bool or long or double or TimeSpan => value,
            int i => (long)i,
            float f => (double)f,
            _ => throw new ArgumentException($"Metadata '{key}' must be a string, bool, long, double or TimeSpan, not {value.GetType().Name}.", nameof(value)),
        };
    }
}
