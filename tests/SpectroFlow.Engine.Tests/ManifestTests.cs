using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

internal sealed class SaveCopyOptions : IBlockOptions
{
    public string Suffix { get; init; } = "x";

    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>Copies a source file (upper-cased, plus the suffix) under the output root with AtomicFile; emits WrittenFile.</summary>
internal sealed class SaveCopyBlock(SaveCopyOptions options, ConcurrentQueue<string> processed) : IBlock<SourceFile, WrittenFile>
{
    public async ValueTask<WrittenFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        processed.Enqueue(context.Item.Key);
        if (File.ReadAllText(input.FullPath) == "HANG")
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (File.ReadAllText(input.FullPath).Contains("FAIL", StringComparison.Ordinal))
        {
            throw new InvalidDataException("bad input");
        }

        byte[] content = Encoding.UTF8.GetBytes(File.ReadAllText(input.FullPath).ToUpperInvariant() + options.Suffix);
        string relative = "copies/" + input.RelativePath + ".out";
        string full = Path.Combine(context.Run.OutputRoot, relative);
        AtomicFile.WriteAllBytes(full, content);
        return new WrittenFile(full, relative, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
    }
}

public sealed class ManifestTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-manifest-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<string> _processed = new();

    public ManifestTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        for (int i = 0; i < 12; i++)
        {
            File.WriteAllText(Path.Combine(_root, "in", $"f{i:D2}.txt"), $"file {i}");
        }
    }

    private string OutputRoot => Path.Combine(_root, "out");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Resume_SecondRun_SkipsEverything()
    {
        RunReport first = await RunAsync();
        first.Succeeded.Should().BeTrue();
        first.Skipped.Should().Be(0);
        _processed.Should().HaveCount(12);

        (ManifestHeader? header, IReadOnlyList<ManifestEntry> entries) = RunManifest.Read(first.ManifestPath!);
        header!.Params["tag"].Should().Be("a");
        entries.Should().HaveCount(12).And.OnlyContain(e => e.Status == RunManifest.Ok && e.Outputs.Count == 1);

        _processed.Clear();
        RunReport second = await RunAsync();
        second.Skipped.Should().Be(12);
        _processed.Should().BeEmpty();
        RunManifest.Read(second.ManifestPath!).Entries.Should().HaveCount(12);
    }

    [Fact]
    public async Task InputCounts_ListedExpectedAndFinished_CountEveryItem_AndSkippedOnesAreNotRun()
    {
        RunReport first = await RunAsync();
        File.Delete(Path.Combine(OutputRoot, "copies", "f05.txt.out"));
        RunReport second = await RunAsync();
        RunReport shard = await RunAsync(shard: new ShardSpec(0, 3), resume: false);

        first.Steps["songs"].Should().Be(new StepCounts(Received: 12, Succeeded: 12, Failed: 0, Cancelled: 0, Produced: 12, Listed: 12, Expected: 12, Finished: 12));
        second.Steps["songs"].Should().Be(new StepCounts(Received: 1, Succeeded: 1, Failed: 0, Cancelled: 0, Produced: 1, Listed: 12, Expected: 12, Finished: 1));
        StepCounts shardCounts = shard.Steps["songs"];
        shardCounts.Listed.Should().Be(12, "every item is listed, whatever its shard");
        shardCounts.Finished.Should().Be(shardCounts.Received).And.BeInRange(1, 11);
        second.Steps["save"].Finished.Should().BeNull("only inputs count finished items");
    }

    [Fact]
    public async Task Manifest_RecordsEachOutputsItemAndMetadata()
    {
        RunReport report = await RunAsync();

        string text = File.ReadAllLines(report.ManifestPath!).First(l => l.Contains("\"key\":\"f03.txt\"", StringComparison.Ordinal));
        ManifestOutput output = RunManifest.Read(report.ManifestPath!).Entries.Single(e => e.Key == "f03.txt").Outputs.Single();

        output.Item.Should().Be("f03.txt");
        output.Metadata!.Keys.Should().BeEquivalentTo([WorkItem.Keys.Input, WorkItem.Keys.InputKey, WorkItem.Keys.SourcePath]);
        text.Should().Contain($"\"metadata\":{{\"input\":\"songs\",\"input_key\":\"f03.txt\",\"source_path\":{System.Text.Json.JsonSerializer.Serialize(Path.Combine(_root, "in", "f03.txt"))}}}");
    }

    [Fact]
    public async Task Resume_DeletedOutput_RedoesOnlyThatItem()
    {
        await RunAsync();
        File.Delete(Path.Combine(OutputRoot, "copies", "f03.txt.out"));
        _processed.Clear();

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(11);
        _processed.Should().Equal("f03.txt");
        File.Exists(Path.Combine(OutputRoot, "copies", "f03.txt.out")).Should().BeTrue();
    }

    [Fact]
    public async Task Resume_ChangedInputOrCorruptOutput_RedoesThoseItems()
    {
        await RunAsync();
        File.WriteAllText(Path.Combine(_root, "in", "f01.txt"), "changed");
        File.WriteAllText(Path.Combine(OutputRoot, "copies", "f02.txt.out"), "tampered");
        _processed.Clear();

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(10);
        _processed.Order().Should().Equal("f01.txt", "f02.txt");
    }

    [Fact]
    public async Task Resume_ChangedParam_RedoesEverything()
    {
        await RunAsync();
        _processed.Clear();

        RunReport second = await RunAsync(tag: "b");

        second.Skipped.Should().Be(0);
        _processed.Should().HaveCount(12);
        File.ReadAllText(Path.Combine(OutputRoot, "copies", "f00.txt.out")).Should().Be("FILE 0b");
    }

    [Fact]
    public async Task Resume_FailedItem_IsRedoneAndRecorded()
    {
        File.WriteAllText(Path.Combine(_root, "in", "f05.txt"), "FAIL");
        RunReport first = await RunAsync();
        first.Errors.Should().ContainSingle();
        ManifestEntry failed = RunManifest.Read(first.ManifestPath!).Entries.Single(e => e.Key == "f05.txt");
        failed.Status.Should().Be(RunManifest.Failed);
        failed.Errors.Should().ContainSingle().Which.Should().Be("save: #5 f05.txt: bad input", "users never see .NET type names");
        _processed.Clear();
        File.WriteAllText(Path.Combine(_root, "in", "f05.txt"), "fixed");

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(11);
        _processed.Should().Equal("f05.txt");
        second.Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task Resume_TruncatedManifestLine_IsIgnored()
    {
        RunReport first = await RunAsync();
        string[] lines = File.ReadAllLines(first.ManifestPath!);
        string last = lines[^1];
        File.WriteAllText(first.ManifestPath!, string.Join("\n", lines[..^1]) + "\n" + last[..(last.Length / 2)]);
        _processed.Clear();

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(11);
        _processed.Should().ContainSingle();
        RunManifest.Read(second.ManifestPath!).Entries.Should().HaveCount(12);
    }

    [Fact]
    public async Task Manifest_LinesAreAppendedAsItemsFinish_SoAKilledRunResumes()
    {
        File.WriteAllText(Path.Combine(_root, "in", "f07.txt"), "HANG");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Task<RunReport> run = RunAsync(cancellationToken: cts.Token);
        string manifest = Path.Combine(OutputRoot, "manifest.jsonl");

        // While f07 hangs, the other 11 items are already in the manifest (header + 11 lines).
        string[] snapshot = [];
        while (!cts.IsCancellationRequested && snapshot.Length < 12)
        {
            await Task.Delay(20);
            snapshot = File.Exists(manifest) ? ReadShared(manifest) : [];
        }

        snapshot.Should().HaveCount(12);
        await cts.CancelAsync();
        (await run).Cancelled.Should().BeTrue();

        // Simulate kill -9: the end-of-run rewrite never happened; only the appended lines exist.
        File.WriteAllLines(manifest, snapshot);
        File.WriteAllText(Path.Combine(_root, "in", "f07.txt"), "fine");
        _processed.Clear();

        RunReport resumed = await RunAsync();

        resumed.Skipped.Should().Be(11);
        _processed.Should().Equal("f07.txt");
    }

    [Fact]
    public async Task Resume_CancelledRun_KeepsThePreviousEntries()
    {
        await RunAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        RunReport interrupted = await RunAsync(cancellationToken: cancelled.Token);

        interrupted.Cancelled.Should().BeTrue();
        RunManifest.Read(interrupted.ManifestPath!).Entries.Should().HaveCount(12);
        _processed.Clear();
        (await RunAsync()).Skipped.Should().Be(12);
        _processed.Should().BeEmpty();
    }

    [Fact]
    public async Task Shards_AreDisjointAndCoverTheUnshardedRun()
    {
        var perShard = new List<string[]>();
        for (int i = 0; i < 3; i++)
        {
            _processed.Clear();
            RunReport report = await RunAsync(shard: new ShardSpec(i, 3));
            report.ManifestPath.Should().EndWith($"manifest.shard-{i}-of-3.jsonl");
            perShard.Add([.. _processed]);
        }

        perShard.SelectMany(s => s).Should().OnlyHaveUniqueItems();
        perShard.SelectMany(s => s).Order().Should().Equal(Enumerable.Range(0, 12).Select(i => $"f{i:D2}.txt"));
        perShard.Should().OnlyContain(s => s.Length > 0);

        string merged = Path.Combine(_root, "merged.jsonl");
        int count = RunManifest.Merge(merged, [.. Enumerable.Range(0, 3).Select(i => Path.Combine(OutputRoot, RunManifest.FileName(new ShardSpec(i, 3))))]);
        count.Should().Be(12);
        RunManifest.Read(merged).Header!.Shard.Should().BeNull();

        // The merged manifest resumes an unsharded run: nothing to redo.
        File.Copy(merged, Path.Combine(OutputRoot, "manifest.jsonl"));
        _processed.Clear();
        (await RunAsync()).Skipped.Should().Be(12);
    }

    [Fact]
    public async Task Merge_DuplicateKeysOrDifferentHeaders_AreRejected()
    {
        await RunAsync(shard: new ShardSpec(0, 2));
        string shard0 = Path.Combine(OutputRoot, RunManifest.FileName(new ShardSpec(0, 2)));
        Action duplicate = () => RunManifest.Merge(Path.Combine(_root, "m.jsonl"), [shard0, shard0]);
        duplicate.Should().Throw<Core.Errors.SpectroFlowException>().WithMessage("*already in*");

        await RunAsync(tag: "z", shard: new ShardSpec(1, 2));
        string shard1 = Path.Combine(OutputRoot, RunManifest.FileName(new ShardSpec(1, 2)));
        Action mismatch = () => RunManifest.Merge(Path.Combine(_root, "m.jsonl"), [shard0, shard1]);
        mismatch.Should().Throw<Core.Errors.SpectroFlowException>().WithMessage("*header differs*");
    }

    [Fact]
    public async Task Preview_CountsItemsShardAndUpToDate_FromTheManifest_AndWritesNothing()
    {
        InputPreview fresh = (await PreviewAsync()).Inputs.Should().ContainSingle().Subject;
        fresh.Should().BeEquivalentTo(new { Input = "songs", Items = 12L, InShard = 12L, UpToDate = 0L, ToRun = 12L, Error = (string?)null });
        fresh.FirstToRun.Should().Equal("f00.txt", "f01.txt", "f02.txt");
        Directory.Exists(OutputRoot).Should().BeFalse("a preview creates nothing");

        var shard = new ShardSpec(1, 3);
        string[] inShard = [.. Enumerable.Range(0, 12).Select(i => $"f{i:D2}.txt").Where(shard.Contains)];
        InputPreview sharded = (await PreviewAsync(shard)).Inputs.Single();
        sharded.Items.Should().Be(12);
        sharded.InShard.Should().Be(inShard.Length).And.BeInRange(1, 11);
        sharded.FirstToRun.Should().Equal(inShard.Take(3));

        await RunAsync();
        _processed.Clear();
        Dictionary<string, string> before = OutputFolderState();
        InputPreview done = (await PreviewAsync()).Inputs.Single();
        done.UpToDate.Should().Be(12);
        done.ToRun.Should().Be(0);
        done.FirstToRun.Should().BeEmpty();

        File.WriteAllText(Path.Combine(_root, "in", "f04.txt"), "changed");
        File.Delete(Path.Combine(_root, "in", "f09.txt"));
        RunPreview changed = await PreviewAsync();
        changed.Inputs.Single().Should().BeEquivalentTo(new { Items = 11L, InShard = 11L, UpToDate = 10L, ToRun = 1L });
        changed.Inputs.Single().FirstToRun.Should().Equal("f04.txt");
        changed.StaleEntries.Should().Be(1, "f09.txt is in the manifest but no longer in the input");

        (await PreviewAsync(resume: false)).Inputs.Single().ToRun.Should().Be(11);
        _processed.Should().BeEmpty("a preview runs no step");
        OutputFolderState().Should().Equal(before);
    }

    [Fact]
    public async Task NoResume_RedoesEveryItem_RewritesTheManifest_AndGivesTheSameBytes()
    {
        await RunAsync();
        Dictionary<string, string> hashes = Outputs().ToDictionary(p => p, p => RunManifest.HashFileOrNull(Path.Combine(OutputRoot, p))!);
        DateTime old = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (string path in hashes.Keys)
        {
            File.SetLastWriteTimeUtc(Path.Combine(OutputRoot, path), old);
        }

        _processed.Clear();
        RunReport again = await RunAsync(resume: false);

        again.Skipped.Should().Be(0);
        _processed.Should().HaveCount(12);
        hashes.Should().OnlyContain(p => RunManifest.HashFileOrNull(Path.Combine(OutputRoot, p.Key)) == p.Value);
        hashes.Keys.Should().OnlyContain(p => File.GetLastWriteTimeUtc(Path.Combine(OutputRoot, p)) > old, "every output was written again");
        RunManifest.Read(again.ManifestPath!).Entries.Should().HaveCount(12).And.OnlyContain(e => e.Status == RunManifest.Ok);
        _processed.Clear();
        (await RunAsync()).Skipped.Should().Be(12);
    }

    [Fact]
    public async Task Compaction_DropsEntriesOfDeletedInputs_ButKeepsTheirFiles()
    {
        await RunAsync();
        File.Delete(Path.Combine(_root, "in", "f03.txt"));

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(11);
        second.DroppedEntries.Should().Be(1);
        second.PrunedFiles.Should().BeEmpty();
        RunManifest.Read(second.ManifestPath!).Entries.Select(e => e.Key).Should().HaveCount(11).And.NotContain("f03.txt");
        File.Exists(Path.Combine(OutputRoot, "copies", "f03.txt.out")).Should().BeTrue("without --prune no file is deleted");
    }

    [Fact]
    public async Task Compaction_CancelledRun_KeepsEntriesOfDeletedInputs()
    {
        await RunAsync();
        File.Delete(Path.Combine(_root, "in", "f03.txt"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        RunReport interrupted = await RunAsync(cancellationToken: cancelled.Token, prune: true);

        interrupted.DroppedEntries.Should().Be(0);
        interrupted.PrunedFiles.Should().BeEmpty();
        RunManifest.Read(interrupted.ManifestPath!).Entries.Should().Contain(e => e.Key == "f03.txt");
        File.Exists(Path.Combine(OutputRoot, "copies", "f03.txt.out")).Should().BeTrue();
    }

    [Fact]
    public async Task Prune_DeletesOnlyRecordedUnchangedFilesOfRemovedItems()
    {
        RunReport first = await RunAsync();
        foreach (string removed in new[] { "f03.txt", "f04.txt", "f05.txt" })
        {
            File.Delete(Path.Combine(_root, "in", removed));
        }

        File.WriteAllText(Path.Combine(OutputRoot, "copies", "f04.txt.out"), "edited by hand");
        File.WriteAllText(Path.Combine(OutputRoot, "copies", "extra.txt"), "not recorded");
        string outside = Path.Combine(_root, "outside.txt");
        File.WriteAllText(outside, "outside the output root");
        File.AppendAllText(first.ManifestPath!, RunManifest.ToLine(new ManifestEntry("gone.txt", "x", 1, RunManifest.Ok, [new("../outside.txt", RunManifest.HashFileOrNull(outside)!)], [])) + "\n");

        RunReport pruned = await RunAsync(prune: true);

        pruned.PrunedFiles.Should().Equal("copies/f03.txt.out", "copies/f05.txt.out");
        pruned.DroppedEntries.Should().Be(4);
        Outputs().Should().Equal([.. Enumerable.Range(0, 12).Where(i => i is not 3 and not 5).Select(i => $"copies/f{i:D2}.txt.out").Append("copies/extra.txt").Order(StringComparer.Ordinal)]);
        File.ReadAllText(Path.Combine(OutputRoot, "copies", "f04.txt.out")).Should().Be("edited by hand");
        File.Exists(outside).Should().BeTrue();
        RunManifest.Read(pruned.ManifestPath!).Entries.Should().HaveCount(9);
    }

    [Fact]
    public async Task Merge_CompactedShardManifests_StillMergeAndResume()
    {
        for (int i = 0; i < 3; i++)
        {
            await RunAsync(shard: new ShardSpec(i, 3));
        }

        File.Delete(Path.Combine(_root, "in", "f03.txt"));
        long dropped = 0;
        for (int i = 0; i < 3; i++)
        {
            dropped += (await RunAsync(shard: new ShardSpec(i, 3))).DroppedEntries;
        }

        dropped.Should().Be(1, "only the shard that held f03.txt drops it");
        string merged = Path.Combine(OutputRoot, "manifest.jsonl");
        RunManifest.Merge(merged, [.. Enumerable.Range(0, 3).Select(i => Path.Combine(OutputRoot, RunManifest.FileName(new ShardSpec(i, 3))))]).Should().Be(11);
        _processed.Clear();
        RunReport resumed = await RunAsync();
        resumed.Skipped.Should().Be(11);
        _processed.Should().BeEmpty();
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void ShardSpec_Parse_Accepts(string text, int index, int count) =>
        ShardSpec.Parse(text).Should().Be(new ShardSpec(index, count));

    [Theory]
    [InlineData("4/4")]
    [InlineData("1")]
    [InlineData("-1/2")]
    [InlineData("0/0")]
    public void ShardSpec_Parse_Rejects(string text)
    {
        Action parse = () => ShardSpec.Parse(text);
        parse.Should().Throw<Core.Errors.RecipeException>();
    }

    [Fact]
    public void ShardSpec_FromEnvironment_ReadsKubernetesAndSlurm()
    {
        var k8s = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "2", ["SPECTROFLOW_SHARD_COUNT"] = "5" };
        ShardSpec.FromEnvironment(k8s.GetValueOrDefault).Should().Be(new ShardSpec(2, 5));
        ShardSpec.FromEnvironment(k8s.GetValueOrDefault, countOverride: 3).Should().Be(new ShardSpec(2, 3));
        var slurm = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "4", ["SLURM_ARRAY_TASK_COUNT"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "1" };
        ShardSpec.FromEnvironment(slurm.GetValueOrDefault).Should().Be(new ShardSpec(3, 4));
        ShardSpec.FromEnvironment(_ => null).Should().BeNull();
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private Task<RunReport> RunAsync(string tag = "a", ShardSpec? shard = null, bool resume = true, bool prune = false, CancellationToken cancellationToken = default) =>
        new RecipeRunner().RunAsync(LoadPlan(tag), Options(shard, resume, prune), cancellationToken);

    private Task<RunPreview> PreviewAsync(ShardSpec? shard = null, bool resume = true) =>
        new RecipeRunner().PreviewAsync(LoadPlan("a"), Options(shard, resume, prune: false), sampleSize: 3);

    private static RunOptions Options(ShardSpec? shard, bool resume, bool prune) =>
        new() { Manifest = true, Shard = shard, Resume = resume, Prune = prune, ToolVersion = "test" };

    private RunPlan LoadPlan(string tag)
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry.Add("save-copy", (SaveCopyOptions o, BlockServices _) => new SaveCopyBlock(o, _processed), "Copies a file.");
        var settings = new RecipeLoadSettings { Overrides = new Dictionary<string, string> { ["tag"] = tag } };
        return new RecipeLoader(registry, settings).LoadText(
            """
            params:
              tag: a
            inputs:
              - id: songs
                folder: in
                glob: ["*.txt"]
            steps:
              - id: save
                use: save-copy
                suffix: ${params.tag}
            outputs:
              root: out
            """,
            "r.yaml",
            _root);
    }

    /// <summary>Every file under the output root with its content hash and write time (to show that nothing changed).</summary>
    private Dictionary<string, string> OutputFolderState() =>
        Directory.Exists(OutputRoot)
            ? Directory.GetFiles(OutputRoot, "*", SearchOption.AllDirectories).ToDictionary(
                f => Path.GetRelativePath(OutputRoot, f),
                f => RunManifest.HashFileOrNull(f) + "@" + File.GetLastWriteTimeUtc(f).Ticks)
            : [];

    private string[] Outputs() =>
        [.. Directory.GetFiles(Path.Combine(OutputRoot, "copies")).Select(f => Path.GetRelativePath(OutputRoot, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];
}
