using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Decides which source items run (shard, resume) and collects what the manifest records per source item: input hash,
/// seed, written files (of the item and its descendants, matched by the root of their key) and errors. Without stream
/// steps, each source item's line is appended (and flushed) as soon as every delivery of it and of its descendants has
/// been processed, so a killed run keeps what it finished; with stream steps (which combine items under new keys) the
/// lines are written at the end of the run. The file is rewritten atomically, sorted, when the run ends.
/// </summary>
internal sealed class ManifestTracker : IDisposable
{
    private readonly Lock _appendLock = new();
    private readonly bool _incremental;
    private StreamWriter? _append;
    private readonly RunOptions _options;
    private readonly Dictionary<string, ManifestEntry> _previous;
    private readonly string? _previousRecipeHash;
    private readonly ConcurrentDictionary<string, Root> _roots = new(StringComparer.Ordinal);
    private long _skipped;

    public ManifestTracker(RunPlan plan, RunOptions options)
    {
        _options = options;
        RecipeHash = RunManifest.RecipeHash(plan);
        OutputRoot = plan.OutputRoot;
        Path = System.IO.Path.Combine(plan.OutputRoot, RunManifest.FileName(options.Shard));
        _incremental = options.Manifest && plan.Steps.All(s => s.Block.Shape != Registry.BlockShape.Stream);
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
    }

    public string RecipeHash { get; }

    public string OutputRoot { get; }

    public string Path { get; }

    public long Skipped => Interlocked.Read(ref _skipped);

    public enum Decision
    {
        Run,
        OtherShard,
        Skip,
    }

    /// <summary>
    /// Starts the manifest: the header line and the previous entries of the same recipe (a reused entry is always
    /// re-verified, so keeping entries that this run may redo is safe; the last line per key wins).
    /// </summary>
    public void Begin(RunPlan plan)
    {
        if (!_options.Manifest)
        {
            return;
        }

        Directory.CreateDirectory(OutputRoot);
        RunManifest.Write(Path, Header(plan), StillValid());
        if (_incremental)
        {
            _append = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        }
    }

    /// <summary>Whether a source item runs here; registers it when it does.</summary>
    public Decision Admit(WorkItem item)
    {
        if (_options.Shard is { } shard && !shard.Contains(item.Key))
        {
            return Decision.OtherShard;
        }

        if (!_options.Manifest)
        {
            return Decision.Run;
        }

        string inputHash = InputHash(item.Payload);
        if (_previousRecipeHash is not null
            && _previous.TryGetValue(item.Key, out ManifestEntry? entry)
            && RunManifest.IsReusable(entry, _previousRecipeHash, RecipeHash, inputHash, OutputRoot))
        {
            Append(entry);
            Interlocked.Increment(ref _skipped);
            return Decision.Skip;
        }

        _roots[item.Key] = new Root(inputHash, item.Seed);
        return Decision.Run;
    }

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
            root.Outputs.Enqueue(new ManifestOutput(file.RelativePath, file.Sha256));
        }
    }

    /// <summary>Writes the manifest: reused entries plus every admitted item (unless the run was cancelled: those are redone).</summary>
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

        Directory.CreateDirectory(OutputRoot);
        RunManifest.Write(Path, Header(plan), entries.Values);
    }

    /// <summary>Previous entries of the same recipe: items this run did not reach keep them (a cancelled run loses nothing).</summary>
    private ManifestEntry[] StillValid() => _previousRecipeHash == RecipeHash ? [.. _previous.Values] : [];

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

    private sealed class Root(string inputSha256, ulong seed)
    {
        public string InputSha256 { get; } = inputSha256;

        public ulong Seed { get; } = seed;

        public ConcurrentQueue<ManifestOutput> Outputs { get; } = new();

        public ConcurrentQueue<string> Errors { get; } = new();

        /// <summary>Deliveries in flight; 1 is held by the source until it has emitted the item.</summary>
        public int Pending = 1;

        public ManifestEntry? Finished { get; set; }
    }
}
