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
/// seed, written files (of the item, its descendants and the items combined from it, by their explicit
/// <see cref="WorkItem.Roots"/>), errors, the other source items it was combined with (its group) and the references it
/// used. Each source item's line is appended (and flushed) as soon as every delivery of it and of everything made from
/// it has been processed (<see cref="RootTracker"/>), so a killed run keeps what it finished, joins included. When the
/// plan combines different source items, <see cref="Plan"/> decides for whole groups: a group is skipped only when every
/// member is up to date and its references are unchanged. The file is rewritten atomically, sorted, when the run ends; when every input
/// was listed to the end (not cancelled, no source failure) that rewrite is also a compaction: entries of items that are
/// no longer in the inputs are dropped (and with <see cref="RunOptions.Prune"/> their recorded files deleted first).
/// </summary>
internal sealed class ManifestTracker : IDisposable
{
    private readonly Lock _appendLock = new();
    private readonly bool _incremental;
    private readonly bool _shardByInputKey;
    private StreamWriter? _append;
    private readonly RunOptions _options;
    private readonly Dictionary<string, ManifestEntry> _previous;
    private readonly string? _previousRecipeHash;
    private readonly bool _resumable;
    private readonly int _inputCount;
    private readonly ConcurrentDictionary<string, Root> _roots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _present = new(StringComparer.Ordinal);
    private readonly Lock _groupLock = new();
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _members = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<LeftOutRecord> _runLeftOut = new();
    private readonly ConcurrentQueue<LeftOutRecord> _allLeftOut = new();
    private Dictionary<string, ManifestEntry>? _final;
    private Dictionary<string, Assessment>? _planned;
    private long _skipped;
    private int _inputsListed;

    /// <summary>Reads the previous manifest (when the run keeps one); writes nothing until <see cref="Begin"/>.</summary>
    public ManifestTracker(RunPlan plan, RunOptions options)
    {
        _options = options;
        RecipeHash = RunManifest.RecipeHash(plan);
        OutputRoot = plan.OutputRoot;
        Path = System.IO.Path.Combine(plan.OutputRoot, RunManifest.FileName(options.Shard));
        _incremental = options.Manifest;
        _shardByInputKey = PlanShape.ShardsByInputKey(plan);
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
                // Reserved for the item that wrote it, so that item reclaims it when its source item is redone.
                OutputNaming.TryReserve(run, output.Path, output.Item ?? entry.Key);
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
        if (_options.Shard is { } shard && !shard.Contains(_shardByInputKey ? item.GetMetadata(WorkItem.Keys.InputKey, item.Key) : item.Key))
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

    /// <summary>True when the tracker records when each source item has finished (the run keeps a manifest).</summary>
    public bool TracksCompletion => _incremental;

    /// <summary>
    /// Whether a source item runs here; registers it when it does. <paramref name="onFinished"/> is called once the item
    /// and everything made from it have been processed (only when <see cref="TracksCompletion"/>).
    /// </summary>
    public Decision Admit(WorkItem item, Action? onFinished = null)
    {
        Assessment assessment = Decide(item);
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

    /// <summary>What <see cref="Plan"/> decided for <paramref name="item"/>, or its own <see cref="Assess"/>ment.</summary>
    public Assessment Decide(WorkItem item) =>
        _planned is not null && _planned.TryGetValue(item.Key, out Assessment? planned) ? planned : Assess(item);

    /// <summary>
    /// Decides every listed source item at once, for plans that combine different source items: an item is skipped only
    /// when it, every member of its recorded group (closed over the groups of those members) and every reference they
    /// recorded are up to date and listed now (a member an input did not list counts as changed).
    /// </summary>
    public void Plan(IReadOnlyList<WorkItem> items)
    {
        var single = new Dictionary<string, Assessment>(StringComparer.Ordinal);
        var inputHashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (WorkItem item in items)
        {
            Assessment assessment = Assess(item);
            single[item.Key] = assessment;
            if (assessment.Decision != Decision.OtherShard)
            {
                inputHashes[item.Key] = assessment.InputSha256 ?? InputHash(item.Payload);
                single[item.Key] = assessment with { InputSha256 = inputHashes[item.Key] };
            }
        }

        Dictionary<string, bool> upToDate = GroupsUpToDate(single, inputHashes);
        var planned = new Dictionary<string, Assessment>(StringComparer.Ordinal);
        foreach ((string key, Assessment assessment) in single)
        {
            planned[key] = assessment.Decision == Decision.Skip && !upToDate.GetValueOrDefault(key)
                ? new Assessment(Decision.Run, assessment.InputSha256, null)
                : assessment;
        }

        _planned = planned;
    }

    /// <summary>
    /// For every listed item that is up to date on its own: whether its whole group is (every member listed and up to
    /// date, every recorded reference unchanged). Groups are the connected parts of the previous entries' groups, each
    /// walked once.
    /// </summary>
    private Dictionary<string, bool> GroupsUpToDate(Dictionary<string, Assessment> single, Dictionary<string, string> inputHashes)
    {
        var verdict = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach ((string key, Assessment assessment) in single)
        {
            if (assessment.Decision != Decision.Skip || verdict.ContainsKey(key))
            {
                continue;
            }

            var members = new List<string> { key };
            var seen = new HashSet<string>(StringComparer.Ordinal) { key };
            bool ok = true;
            for (int i = 0; i < members.Count; i++)
            {
                string member = members[i];
                ok &= single.TryGetValue(member, out Assessment? own) && own.Decision == Decision.Skip;
                if (!_previous.TryGetValue(member, out ManifestEntry? entry))
                {
                    ok = false;
                    continue;
                }

                foreach ((string reference, string sha) in entry.References ?? new Dictionary<string, string>())
                {
                    ok &= inputHashes.TryGetValue(reference, out string? now) && now == sha;
                }

                foreach (string other in entry.Group ?? [])
                {
                    if (seen.Add(other))
                    {
                        members.Add(other);
                    }
                }
            }

            foreach (string member in members)
            {
                verdict[member] = ok;
            }
        }

        return verdict;
    }

    /// <summary>A source item and everything made from it is done: appends its line (not when the run is cancelled).</summary>
    public void Finished(string key, CancellationToken runToken)
    {
        if (_incremental && _roots.TryGetValue(key, out Root? root) && !runToken.IsCancellationRequested)
        {
            ManifestEntry entry = Entry(key, root, stepLevelFailure: false);
            root.Finished = entry;
            Append(entry);
        }

        if (_roots.TryGetValue(key, out Root? finished))
        {
            finished.OnFinished?.Invoke();
        }
    }

    /// <summary>An error of <paramref name="item"/> (or a whole step, when null) counts against its source items.</summary>
    public void Error(WorkItem? item, ErrorRecord record)
    {
        if (!_options.Manifest || item is null)
        {
            return;
        }

        foreach (string key in item.Roots)
        {
            if (_roots.TryGetValue(key, out Root? root))
            {
                root.Errors.Enqueue(record.ToString());
            }
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

    /// <summary>A step left something out: recorded for each of its source items, or for the run when it has none (a source's).</summary>
    public void LeftOut(LeftOutRecord record, IReadOnlyList<string> roots)
    {
        _allLeftOut.Enqueue(record);
        if (roots.Count == 0)
        {
            _runLeftOut.Enqueue(record);
            return;
        }

        foreach (string key in roots)
        {
            if (_roots.TryGetValue(key, out Root? root))
            {
                root.LeftOut.Enqueue(record);
            }
        }
    }

    /// <summary>Everything left out during this run (sources' and steps'), in the order reported.</summary>
    public IReadOnlyList<LeftOutRecord> LeftOutThisRun => [.. _allLeftOut];

    /// <summary>
    /// What the run ended with, for finishing blocks: the entries <see cref="WriteManifest"/> wrote (this run's only when
    /// the run keeps no manifest) and what sources left out.
    /// </summary>
    public RunOutcome Outcome()
    {
        IEnumerable<ManifestEntry> entries = _final is null ? [] : _final.Values;
        FinishedItem[] items = [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(ToFinished)];
        return new RunOutcome(items, [.. _runLeftOut], Volatile.Read(ref _inputsListed) == _inputCount, _options.Shard?.ToString());
    }

    private static FinishedItem ToFinished(ManifestEntry entry) => new(
        entry.Key,
        entry.Status == RunManifest.Ok,
        [.. (entry.Outputs ?? []).Select(o => new FinishedOutput(o.Path, o.Sha256, o.Item ?? entry.Key, o.Step, RunManifest.PlainMetadata(o.Metadata)))],
        entry.Errors ?? [],
        entry.LeftOut ?? []);

    /// <summary>A file was written for <paramref name="item"/>: recorded for each of its source items.</summary>
    public void Written(WorkItem item, WrittenFile file, string? step = null)
    {
        if (!_options.Manifest)
        {
            return;
        }

        foreach (string key in item.Roots)
        {
            if (_roots.TryGetValue(key, out Root? root))
            {
                root.Outputs.Enqueue(new ManifestOutput(file.RelativePath, file.Sha256, item.Key, item.Metadata) { Step = step });
            }
        }
    }

    /// <summary>
    /// <paramref name="combined"/> was made from several source items (its roots, one group from now on) and used
    /// others as references: both are recorded on the entries of its roots.
    /// </summary>
    public void Link(WorkItem combined)
    {
        if (!_options.Manifest)
        {
            return;
        }

        lock (_groupLock)
        {
            for (int i = 1; i < combined.Roots.Length; i++)
            {
                string a = FindGroup(combined.Roots[0]), b = FindGroup(combined.Roots[i]);
                if (a != b)
                {
                    List<string> into = Members(a), from = Members(b);
                    if (into.Count < from.Count)
                    {
                        (a, b, into, from) = (b, a, from, into);
                    }

                    _parent[b] = a;
                    into.AddRange(from);
                    _members.Remove(b);
                }
            }
        }

        foreach (string key in combined.Roots)
        {
            if (_roots.TryGetValue(key, out Root? root))
            {
                foreach (string reference in combined.References)
                {
                    if (_roots.TryGetValue(reference, out Root? used))
                    {
                        root.References[reference] = used.InputSha256;
                    }
                }
            }
        }
    }

    private string FindGroup(string key)
    {
        while (_parent.TryGetValue(key, out string? parent))
        {
            key = parent;
        }

        return key;
    }

    private List<string> Members(string group)
    {
        if (!_members.TryGetValue(group, out List<string>? members))
        {
            _members[group] = members = [group];
        }

        return members;
    }

    /// <summary>The other source items in <paramref name="key"/>'s group so far, sorted; null when alone.</summary>
    private List<string>? GroupOf(string key)
    {
        lock (_groupLock)
        {
            if (!_members.TryGetValue(FindGroup(key), out List<string>? all))
            {
                return null;
            }

            List<string> members = [.. all.Where(k => k != key).Order(StringComparer.Ordinal)];
            return members.Count > 0 ? members : null;
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
        _final = entries;
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

    private ManifestEntry Entry(string key, Root root, bool stepLevelFailure)
    {
        string[] itemErrors = [.. root.Errors];
        bool ok = itemErrors.Length == 0 && !stepLevelFailure;
        return new ManifestEntry(
            key,
            root.InputSha256,
            root.Seed,
            ok ? RunManifest.Ok : RunManifest.Failed,
            [.. root.Outputs.OrderBy(o => o.Path, StringComparer.Ordinal)],
            itemErrors)
        {
            Group = GroupOf(key),
            References = root.References.IsEmpty ? null : new SortedDictionary<string, string>(root.References, StringComparer.Ordinal),
            LeftOut = root.LeftOut.IsEmpty ? null : [.. root.LeftOut.OrderBy(r => r.Item, StringComparer.Ordinal).ThenBy(r => r.Step, StringComparer.Ordinal)],
        };
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

        public ConcurrentDictionary<string, string> References { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<LeftOutRecord> LeftOut { get; } = new();

        public ManifestEntry? Finished { get; set; }

        public Action? OnFinished { get; init; }
    }
}
