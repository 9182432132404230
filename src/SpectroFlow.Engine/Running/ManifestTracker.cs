using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Decides which source items run (shard, resume) and collects what the manifest records per source item: input hash,
/// seed, written files (of the item and its descendants, matched by the root of their key) and errors.
/// </summary>
internal sealed class ManifestTracker
{
    private readonly RunOptions _options;
    private readonly Dictionary<string, ManifestEntry> _previous;
    private readonly string? _previousRecipeHash;
    private readonly ConcurrentDictionary<string, Root> _roots = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ManifestEntry> _reused = [];
    private long _skipped;

    public ManifestTracker(RunPlan plan, RunOptions options)
    {
        _options = options;
        RecipeHash = RunManifest.RecipeHash(plan);
        OutputRoot = plan.OutputRoot;
        Path = System.IO.Path.Combine(plan.OutputRoot, RunManifest.FileName(options.Shard));
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
            _reused.Add(entry);
            Interlocked.Increment(ref _skipped);
            return Decision.Skip;
        }

        _roots[item.Key] = new Root(inputHash, item.Seed);
        return Decision.Run;
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

        ILookup<string, ErrorRecord> byRoot = errors.Where(e => e.Key is not null).ToLookup(e => RootOf(e.Key!), StringComparer.Ordinal);
        bool stepLevelFailure = errors.Any(e => e.Key is null);
        var entries = new List<ManifestEntry>(_reused);
        if (!cancelled)
        {
            foreach ((string key, Root root) in _roots)
            {
                string[] itemErrors = [.. byRoot[key].Select(e => e.ToString())];
                bool ok = itemErrors.Length == 0 && !stepLevelFailure;
                entries.Add(new ManifestEntry(
                    key,
                    root.InputSha256,
                    root.Seed,
                    ok ? RunManifest.Ok : RunManifest.Failed,
                    [.. root.Outputs.OrderBy(o => o.Path, StringComparer.Ordinal)],
                    itemErrors));
            }
        }

        var header = new ManifestHeader(RecipeHash, _options.ToolVersion, plan.Parameters, plan.Seed, _options.Shard?.ToString());
        Directory.CreateDirectory(OutputRoot);
        RunManifest.Write(Path, header, entries);
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
    }
}
