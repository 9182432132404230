using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Decides which source items run (shard, resume) and collects what the manifest records per source item: input hash,
/// seed, written files (of the item and its descendants, matched by the root of their key) and errors. Without stream
/// steps, each source item's line is appended (and flushed) as soon as every delivery of it and of its descendants has
/// been processed, so a killed run keeps what it finished; with stream steps (which combine items under new keys) the
/// lines are written at the end of the run. The file is rewritten atomically, sorted, when the run ends; when every input
/// was listed to the end (not cancelled, no source failure) that rewrite is also a compaction: entries of items that are
/// no longer in the inputs are dropped (and with <see cref="RunOptions.Prune"/> their recorded files deleted first).
/// </summary>
internal sealed class ManifestTracker : IDisposable
{
    private readonly Lock _appendLock = new();
    private readonly bool _incremental;
    private StreamWriter? _append;
    private readonly RunOptions _options;
    private readonly Dictionary<string, ManifestEntry> _previous;
    private readonly string? _previousRecipeHash;
    private readonly bool _resumable;
    private readonly int _inputCount;
    private readonly ConcurrentDictionary<string, Root> _roots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _present = new(StringComparer.Ordinal);
    private long _skipped;
    private int _inputsListed;

    /// <summary>Reads the previous manifest (when the run keeps one); writes nothing until <see cref="Begin"/>.</summary>
    public ManifestTracker(RunPlan plan, RunOptions options)
    {
        _options = options;
        RecipeHash = RunManifest.RecipeHash(plan);
        OutputRoot = plan.OutputRoot;
        Path = System.IO.Path.Combine(plan.OutputRoot, RunManifest.FileName(options.Shard));
        _incremental = options.Manifest && plan.Steps.All(s => s.Block.Shape != Registry.BlockShape.Stream);
        _inputCount = Graph.SourceItems.Inputs(plan).Count();
        if (options.Manifest)
        {
            (ManifestHeader? header, IReadOnlyList<ManifestEntry> entries) = RunManifest.Read(Path);
            _previousRecipeHash = header?.RecipeSha256;
            _previous = entries.ToDictionary(e => e.Key, StringComparer.Ordinal);
        }
        else
        {
            _previous = [];
        }

        _resumable = options.Resume && _previousRecipeHash == RecipeHash;
    }

    public string RecipeHash { get; }

    public string OutputRoot { get; }

    public string Path { get; }

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Entries dropped from the manifest because their items are no longer in the inputs (set by <see cref="WriteManifest"/>).</summary>
    public long DroppedEntries { get; private set; }

    /// <summary>Files deleted by <see cref="RunOptions.Prune"/>, relative to the output root (set by <see cref="WriteManifest"/>).</summary>
    public IReadOnlyList<string> PrunedFiles { get; private set; } = [];

    public enum Decision
    {
        Run,
        OtherShard,
        Skip,
    }

    /// <summary>
    /// Starts the manifest: the header line and the previous entries of the same recipe (a reused entry is always
    /// re-verified, so keeping entries that this run may redo is safe; the last line per key wins). With
    /// <see cref="RunOptions.Resume"/> off, the manifest starts empty. The files of those entries that are ok are
    /// reserved for their items (<see cref="OutputNaming.TryReserve"/>) before any item runs, so another item of this run
    /// that would write the same path fails instead of overwriting a file a skipped item stands for.
    /// </summary>
    public void Begin(RunPlan plan, RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!_options.Manifest)
        {
            return;
        }

        foreach (ManifestEntry entry in StillValid().Where(e => e.Status == RunManifest.Ok))
        {
            foreach (ManifestOutput output in entry.Outputs ?? [])
            {
                OutputNaming.TryReserve(run, output.Path, entry.Key);
            }
        }

        Directory.CreateDirectory(OutputRoot);
        RunManifest.Write(Path, Header(plan), StillValid());
        if (_incremental)
        {
            _append = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// Whether a source item would run here, without recording anything (dry runs use this too): another shard's, up
    /// to date (its manifest entry is reusable: <see cref="RunManifest.IsReusable"/>), or to run.
    /// </summary>
    public Assessment Assess(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (_options.Shard is { } shard && !shard.Contains(item.Key))
        {
            return new Assessment(Decision.OtherShard, null, null);
        }

        if (!_resumable || !_previous.TryGetValue(item.Key, out ManifestEntry? entry))
        {
            return new Assessment(Decision.Run, null, null);
        }

        string inputHash = InputHash(item.Payload);
        return RunManifest.IsReusable(entry, _previousRecipeHash!, RecipeHash, inputHash, OutputRoot)
            ? new Assessment(Decision.Skip, inputHash, entry)
            : new Assessment(Decision.Run, inputHash, null);
    }

    /// <summary>True when the tracker knows when each source item has finished (a manifest, and no stream blocks).</summary>
    public bool TracksCompletion => _incremental;

    /// <summary>
    /// Whether a source item runs here; registers it when it does. <paramref name="onFinished"/> is called once the item
    /// and all its descendants have been processed (only when <see cref="TracksCompletion"/>).
    /// </summary>
    public Decision Admit(WorkItem item, Action? onFinished = null)
    {
        Assessment assessment = Assess(item);
        if (assessment.Decision == Decision.OtherShard)
        {
            return Decision.OtherShard;
        }

        _present.TryAdd(item.Key, 0);
        if (!_options.Manifest)
        {
            return Decision.Run;
        }

        if (assessment.Reused is { } entry)
        {
            Append(entry);
            Interlocked.Increment(ref _skipped);
            return Decision.Skip;
        }

        _roots[item.Key] = new Root(assessment.InputSha256 ?? InputHash(item.Payload), item.Seed) { OnFinished = onFinished };
        return Decision.Run;
    }

    /// <summary>An input was listed to its end (not cancelled, no failure): compaction needs every input listed.</summary>
    public void InputListed() => Interlocked.Increment(ref _inputsListed);

    /// <summary>Previous manifest entries whose keys are not in <paramref name="presentKeys"/> (the items of this run's shard).</summary>
    public IEnumerable<ManifestEntry> EntriesNotIn(IReadOnlySet<string> presentKeys) =>
        _previous.Values.Where(e => !presentKeys.Contains(e.Key));

    /// <summary>One more delivery of <paramref name="item"/> (or a descendant) is in flight.</summary>
    public void Acquire(WorkItem item)
    {
        if (_incremental && _roots.TryGetValue(RootOf(item.Key), out Root? root))
        {
            Interlocked.Increment(ref root.Pending);
        }
    }

    /// <summary>A delivery of <paramref name="item"/> was processed (ok, failed or cancelled); the last one finishes its source item.</summary>
    public void Release(WorkItem item, CancellationToken runToken)
    {
        string key = RootOf(item.Key);
        if (_incremental && _roots.TryGetValue(key, out Root? root) && Interlocked.Decrement(ref root.Pending) == 0 && !runToken.IsCancellationRequested)
        {
            ManifestEntry entry = Entry(key, root, stepLevelFailure: false);
            root.Finished = entry;
            Append(entry);
            root.OnFinished?.Invoke();
        }
    }

    public void Error(ErrorRecord record)
    {
        if (_options.Manifest && record.Key is not null && _roots.TryGetValue(RootOf(record.Key), out Root? root))
        {
            root.Errors.Enqueue(record.ToString());
        }
    }

    public void Dispose()
    {
        lock (_appendLock)
        {
            _append?.Dispose();
            _append = null;
        }
    }

    public void Written(WorkItem item, WrittenFile file)
    {
        if (_options.Manifest && _roots.TryGetValue(RootOf(item.Key), out Root? root))
        {
            root.Outputs.Enqueue(new ManifestOutput(file.RelativePath, file.Sha256, item.Key, item.Metadata));
        }
    }

    /// <summary>
    /// Writes the manifest: reused entries plus every admitted item (unless the run was cancelled: those are redone).
    /// When every input was listed and the run was not cancelled, the manifest is compacted to the items of this run
    /// (after <see cref="RunOptions.Prune"/> has deleted the recorded files of the dropped items).
    /// </summary>
    public void WriteManifest(RunPlan plan, IReadOnlyCollection<ErrorRecord> errors, bool cancelled)
    {
        if (!_options.Manifest)
        {
            return;
        }

        Dispose();
        bool stepLevelFailure = errors.Any(e => e.Key is null);
        var entries = StillValid().ToDictionary(e => e.Key, StringComparer.Ordinal);
        foreach ((string key, Root root) in _roots)
        {
            if (root.Finished is { } finished)
            {
                entries[key] = finished;
            }
            else if (!cancelled && !_incremental)
            {
                entries[key] = Entry(key, root, stepLevelFailure);
            }
        }

        if (!cancelled && Volatile.Read(ref _inputsListed) == _inputCount)
        {
            var present = new HashSet<string>(_present.Keys, StringComparer.Ordinal);
            ManifestEntry[] gone = [.. EntriesNotIn(present)];
            foreach (ManifestEntry entry in gone)
            {
                entries.Remove(entry.Key);
            }

            if (_options.Prune)
            {
                PrunedFiles = Prune(gone, entries.Values);
            }

            DroppedEntries = gone.Length;
        }

        Directory.CreateDirectory(OutputRoot);
        RunManifest.Write(Path, Header(plan), entries.Values);
    }

    /// <summary>
    /// Deletes the recorded output files of items no longer in the inputs: only paths under the output root, only when
    /// the file still has the recorded SHA-256, and never a path that a current entry records.
    /// </summary>
    private List<string> Prune(IEnumerable<ManifestEntry> gone, IEnumerable<ManifestEntry> current)
    {
        var kept = new HashSet<string>(current.SelectMany(e => e.Outputs ?? []).Select(o => o.Path), StringComparer.Ordinal);
        string root = System.IO.Path.GetFullPath(OutputRoot);
        var deleted = new List<string>();
        foreach (ManifestOutput output in gone.SelectMany(e => e.Outputs ?? []).Where(o => !kept.Contains(o.Path)).DistinctBy(o => o.Path).OrderBy(o => o.Path, StringComparer.Ordinal))
        {
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, output.Path));
            string relative = System.IO.Path.GetRelativePath(root, full);
            bool underRoot = relative != ".." && !relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) && !System.IO.Path.IsPathRooted(relative);
            if (underRoot && full != Path && RunManifest.HashFileOrNull(full) == output.Sha256)
            {
                File.Delete(full);
                deleted.Add(output.Path);
            }
        }

        return deleted;
    }

    /// <summary>Previous entries of the same recipe when resuming: items this run did not reach keep them (a cancelled run loses nothing).</summary>
    private ManifestEntry[] StillValid() => _resumable ? [.. _previous.Values] : [];

    private ManifestHeader Header(RunPlan plan) =>
        new(RecipeHash, _options.ToolVersion, plan.Parameters, plan.Seed, _options.Shard?.ToString());

    private static ManifestEntry Entry(string key, Root root, bool stepLevelFailure)
    {
        string[] itemErrors = [.. root.Errors];
        bool ok = itemErrors.Length == 0 && !stepLevelFailure;
        return new ManifestEntry(
            key,
            root.InputSha256,
            root.Seed,
            ok ? RunManifest.Ok : RunManifest.Failed,
            [.. root.Outputs.OrderBy(o => o.Path, StringComparer.Ordinal)],
            itemErrors);
    }

    private void Append(ManifestEntry entry)
    {
        lock (_appendLock)
        {
            if (_append is not null)
            {
                _append.Write(RunManifest.ToLine(entry));
                _append.Write('\n');
                _append.Flush();
            }
        }
    }

    /// <summary>The source key an item descends from: the part before the first '#'.</summary>
    public static string RootOf(string key)
    {
        int hash = key.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? key : key[..hash];
    }

    private static string InputHash(object payload)
    {
        if (payload is SourceFile file)
        {
            return RunManifest.HashFileOrNull(file.FullPath) ?? "missing";
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload.ToString() ?? string.Empty)));
    }

    /// <summary>What a run would do with a source item; <paramref name="Reused"/> is the reusable entry of a skipped item.</summary>
    public sealed record Assessment(Decision Decision, string? InputSha256, ManifestEntry? Reused);

    private sealed class Root(string inputSha256, ulong seed)
    {
        public string InputSha256 { get; } = inputSha256;

        public ulong Seed { get; } = seed;

        public ConcurrentQueue<ManifestOutput> Outputs { get; } = new();

        public ConcurrentQueue<string> Errors { get; } = new();

        /// <summary>Deliveries in flight; 1 is held by the source until it has emitted the item.</summary>
        public int Pending = 1;

        public ManifestEntry? Finished { get; set; }

        public Action? OnFinished { get; init; }
    }
}
