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

    private WorkItem(string key, long ordinal, object payload, ulong seed, ImmutableSortedDictionary<string, object> metadata, Ancestry ancestry)
    {
        Key = key;
        Ordinal = ordinal;
        Payload = payload;
        Seed = seed;
        Metadata = metadata;
        _ancestry = ancestry;
    }

    private readonly Ancestry _ancestry;

    /// <summary>
    /// The keys of the source items this item descends from, in natural order: one for a source item and its
    /// descendants, several for an item combined from parts of several sources (a crossfade of two songs). Set by the
    /// engine; the manifest tracks completion and resume per source item from it.
    /// </summary>
    public ImmutableArray<string> Roots => _ancestry.Roots;

    /// <summary>
    /// Source items this item used as a shared reference (the one mask or prompt paired with every item), not as one
    /// of its own parts: a change to them redoes this item, but they do not tie its sources into one group.
    /// </summary>
    public ImmutableArray<string> References => _ancestry.References;

    /// <summary>
    /// Where the item sits in its source's order: the source item's ordinal, then the index of each generation of
    /// children (<c>[17, 3]</c> is the fourth clip of source item 17). Items sort in natural order by it
    /// (<see cref="NaturalOrder"/>); a combined item takes the position of its first part.
    /// </summary>
    public ImmutableArray<long> Position => _ancestry.Position;

    /// <summary>The item's position among its siblings (the last element of <see cref="Position"/>).</summary>
    public long Index => _ancestry.Position[^1];

    /// <summary>
    /// Orders items as their sources listed them and their blocks produced them: by <see cref="Position"/>, then key.
    /// </summary>
    public static IComparer<WorkItem> NaturalOrder { get; } = Comparer<WorkItem>.Create(CompareNaturally);

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

        return new WorkItem(key, ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(recipeSeed, key), meta, new Ancestry([key], [], [ordinal]));
    }

    /// <summary>
    /// Creates an item made of several inputs (a pair, a sequence, a group): key given by the engine, ordinal, position
    /// and metadata of the first part (unless <paramref name="metadata"/> replaces it), seed derived from the first part's seed and the new key. Its
    /// <see cref="Roots"/> are the parts' roots; <paramref name="references"/> (a shared mask or prompt) only add to
    /// <see cref="References"/>.
    /// </summary>
    public static WorkItem Combine(string key, object payload, IReadOnlyList<WorkItem> parts, IReadOnlyList<WorkItem>? references = null, IEnumerable<KeyValuePair<string, object>>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0)
        {
            throw new ArgumentException("A combined item needs at least one part.", nameof(parts));
        }

        WorkItem first = parts[0];
        var roots = new List<string>();
        var referenced = new List<string>();
        foreach (WorkItem part in parts)
        {
            AddNew(roots, part.Roots);
            AddNew(referenced, part.References);
        }

        foreach (WorkItem reference in references ?? [])
        {
            AddNew(referenced, reference.Roots);
            AddNew(referenced, reference.References);
        }

        referenced.RemoveAll(roots.Contains);
        var ancestry = new Ancestry([.. roots], [.. referenced], first.Position);
        ImmutableSortedDictionary<string, object> meta = first.Metadata;
        if (metadata is not null)
        {
            meta = ImmutableSortedDictionary<string, object>.Empty;
            foreach (KeyValuePair<string, object> pair in metadata)
            {
                meta = meta.SetItem(pair.Key, CheckScalar(pair.Key, pair.Value));
            }
        }

        return new WorkItem(key, first.Ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(first.Seed, key), meta, ancestry);
    }

    /// <summary>Same key, seed and metadata; new payload (a one-in-one-out block's result).</summary>
    public WorkItem WithPayload(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return new WorkItem(Key, Ordinal, payload, Seed, Metadata, _ancestry);
    }

    /// <summary>
    /// A child (one of many outputs): key <c>parent#suffix</c>, own seed derived from the parent's, the parent's roots,
    /// and <paramref name="index"/> (its place among its siblings) appended to the parent's <see cref="Position"/>.
    /// </summary>
    public WorkItem CreateChild(string suffix, object payload, long index = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(suffix);
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        string key = Key + "#" + suffix;
        var ancestry = _ancestry with { Position = _ancestry.Position.Add(index) };
        return new WorkItem(key, Ordinal, payload, Randomness.DeterministicRandom.DeriveSeed(Seed, suffix), Metadata, ancestry);
    }

    /// <summary>Adds or replaces one metadata value (a scalar).</summary>
    public WorkItem WithMetadata(string key, object value) =>
        new(Key, Ordinal, Payload, Seed, Metadata.SetItem(key, CheckScalar(key, value)), _ancestry);

    /// <summary>Adds or replaces several metadata values.</summary>
    public WorkItem WithMetadata(IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        ImmutableSortedDictionary<string, object> meta = Metadata;
        foreach (KeyValuePair<string, object> pair in values)
        {
            meta = meta.SetItem(pair.Key, CheckScalar(pair.Key, pair.Value));
        }

        return new WorkItem(Key, Ordinal, Payload, Seed, meta, _ancestry);
    }

    /// <summary>A metadata value, or <paramref name="fallback"/> when absent or of another type.</summary>
    public T GetMetadata<T>(string key, T fallback) => Metadata.TryGetValue(key, out object? value) && value is T typed ? typed : fallback;

    /// <summary>Prints <c>#17 clips/intro.wav</c> (Dataflow records this for failed messages).</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"#{Ordinal} {Key}");

    private static void AddNew(List<string> into, ImmutableArray<string> keys)
    {
        foreach (string key in keys)
        {
            if (!into.Contains(key))
            {
                into.Add(key);
            }
        }
    }

    private static int CompareNaturally(WorkItem? x, WorkItem? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        ImmutableArray<long> a = x.Position, b = y.Position;
        int common = Math.Min(a.Length, b.Length);
        for (int i = 0; i < common; i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        int byLength = a.Length.CompareTo(b.Length);
        return byLength != 0 ? byLength : string.CompareOrdinal(x.Key, y.Key);
    }

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

    private sealed record Ancestry(ImmutableArray<string> Roots, ImmutableArray<string> References, ImmutableArray<long> Position);
}
