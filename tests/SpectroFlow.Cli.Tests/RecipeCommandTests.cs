using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Cli.Tests;

internal sealed class CopyOptions : IBlockOptions
{
    /// <summary>Appended to every copy.</summary>
    public string Suffix { get; init; } = "!";

    public int DelayMs { get; init; }

    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>Writes an upper-cased copy of each file (fails on content "FAIL"); emits WrittenFile.</summary>
internal sealed class CopyBlock(CopyOptions options) : IBlock<SourceFile, WrittenFile>
{
    /// <summary>Signalled (per input folder) when the first item reaches the block.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Started { get; } = new();

    public async ValueTask<WrittenFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        if (Started.TryGetValue(Path.GetDirectoryName(input.FullPath)!, out TaskCompletionSource? started))
        {
            started.TrySetResult();
        }

        await Task.Delay(options.DelayMs, cancellationToken);
        string text = await File.ReadAllTextAsync(input.FullPath, cancellationToken);
        if (text.Contains("FAIL", StringComparison.Ordinal))
        {
            throw new Core.Errors.SpectroFlowException("cannot copy a cursed file");
        }

        byte[] content = Encoding.UTF8.GetBytes(text.ToUpperInvariant() + options.Suffix);
        string relative = input.RelativePath + ".out";
        string full = Path.Combine(context.Run.OutputRoot, relative);
        AtomicFile.WriteAllBytes(full, content);
        return new WrittenFile(full, relative, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
    }
}

/// <summary>The length of each file; writes nothing.</summary>
internal sealed class LengthBlock : IBlock<SourceFile, long>
{
    public ValueTask<long> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new FileInfo(input.FullPath).Length);
}

public sealed class RecipeCommandTests : IDisposable
{
    private const string Recipe = """
        params:
          suffix: "!"
          delay: 0
        inputs:
          - id: songs
            folder: in
            glob: ["*.txt"]
        steps:
          - id: copy
            use: copy
            suffix: ${params.suffix}
            delay_ms: ${params.delay}
        outputs:
          root: out
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-cli-" + Guid.NewGuid().ToString("N"));

    public RecipeCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        for (int i = 0; i < 6; i++)
        {
            File.WriteAllText(Path.Combine(_root, "in", $"s{i}.txt"), $"song {i}");
        }

        File.WriteAllText(RecipePath, Recipe);
    }

    private string RecipePath => Path.Combine(_root, "r.yaml");

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
    public async Task Run_AllOk_Exits0_ThenResumeSkipsEverything()
    {
        CliResult first = await RunAsync("run", RecipePath);
        first.ExitCode.Should().Be(0, first.Error);
        first.Output.Should().Contain("copy: 6 done, 0 failed, 0 cancelled").And.Contain("6 files written, 0 items skipped (already done), 0 errors in");
        File.Exists(Path.Combine(_root, "out", "manifest.jsonl")).Should().BeTrue();
        File.Exists(Path.Combine(_root, "out", "run.log.jsonl")).Should().BeTrue();

        CliResult second = await RunAsync("run", RecipePath);
        second.ExitCode.Should().Be(0);
        second.Output.Should().Contain("copy: 0 done").And.Contain("6 items skipped");

        CliResult changed = await RunAsync("run", RecipePath, "--set", "suffix=?");
        changed.Output.Should().Contain("copy: 6 done").And.Contain("0 items skipped");
    }

    [Fact]
    public async Task Run_ItemFails_Exits1_AndPrintsTheErrorRecord()
    {
        File.WriteAllText(Path.Combine(_root, "in", "s3.txt"), "FAIL");

        CliResult result = await RunAsync("run", RecipePath);

        result.ExitCode.Should().Be(1);
        result.Output.Should().Contain("copy: 5 done, 1 failed, 0 cancelled");
        result.Output.Split('\n').Should().Contain(l => l.TrimEnd() == "copy: #3 s3.txt: cannot copy a cursed file");
        (result.Output + result.Error).Split('\n').Count(l => l.Contains("cursed", StringComparison.Ordinal)).Should().Be(1, "each error is printed once, in the summary");
        result.Output.Should().Contain("5 files written, 0 items skipped (already done), 1 error in");
    }

    [Fact]
    public async Task Run_FailFast_Exits1()
    {
        File.WriteAllText(Path.Combine(_root, "in", "s0.txt"), "FAIL");

        CliResult result = await RunAsync("run", RecipePath, "--fail-fast", "--set", "delay=50");

        result.ExitCode.Should().Be(1);
        result.Error.Should().Contain("--fail-fast");
    }

    [Fact]
    public async Task Run_Cancelled_Exits130()
    {
        using var cts = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CopyBlock.Started[Path.Combine(_root, "in")] = started;

        Task<int> run = CliApp.RunAsync(["run", RecipePath, "--set", "delay=20000"], output, error, CreateRegistry, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        int exit = await run;

        exit.Should().Be(130);
        error.ToString().Should().Contain("cancelled");
        output.ToString().Should().MatchRegex(@"copy: 0 done, 0 failed, [1-9]\d* cancelled");
    }

    [Fact]
    public async Task Run_Shards_AreDisjointAndCoverEverything_ThenMerge()
    {
        var manifests = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            CliResult shard = await RunAsync("run", RecipePath, "--shard", $"{i}/3");
            shard.ExitCode.Should().Be(0, shard.Error);
            manifests.Add(Path.Combine(_root, "out", $"manifest.shard-{i}-of-3.jsonl"));
        }

        Directory.GetFiles(Path.Combine(_root, "out"), "*.out").Should().HaveCount(6);
        string merged = Path.Combine(_root, "out", "manifest.jsonl");
        CliResult merge = await RunAsync(["merge-manifests", merged, .. manifests]);
        merge.ExitCode.Should().Be(0, merge.Error);
        merge.Output.Should().Contain("6 items");

        CliResult duplicate = await RunAsync("merge-manifests", Path.Combine(_root, "x.jsonl"), manifests[0], manifests[0]);
        duplicate.ExitCode.Should().Be(1);

        CliResult resumed = await RunAsync("run", RecipePath);
        resumed.Output.Should().Contain("6 items skipped");
    }

    [Theory]
    [InlineData("1/1")]
    [InlineData("x")]
    public async Task Run_BadShard_Exits2(string shard) =>
        (await RunAsync("run", RecipePath, "--shard", shard)).ExitCode.Should().Be(2);

    [Fact]
    public async Task Run_ShardCountWithoutAnIndex_IsAUsageErrorAndRunsNothing()
    {
        if (Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX") is not null || Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") is not null)
        {
            return; // an index in this environment is exactly the case that works
        }

        CliResult result = await RunAsync("run", RecipePath, "--shard-count", "2");
        CliResult both = await RunAsync("run", RecipePath, "--shard", "0/2", "--shard-count", "2");

        result.ExitCode.Should().Be(2);
        result.Error.Trim().Should().Be("error: --shard-count 2 needs the shard index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, and neither is set; use --shard i/2 to choose one");
        both.ExitCode.Should().Be(2);
        Directory.Exists(Path.Combine(_root, "out")).Should().BeFalse();
    }

    [Fact]
    public async Task Run_DryRun_PrintsCountsPerInput_AndWritesNothing()
    {
        CliResult fresh = await RunAsync("run", RecipePath, "--dry-run");
        fresh.ExitCode.Should().Be(0, fresh.Error);
        fresh.Output.Should().Contain("dry run")
            .And.Contain("input songs: 6 items, 6 in shard all, 0 up to date (skipped), 6 to run")
            .And.Contain("would run: s0.txt, s1.txt, s2.txt, s3.txt, s4.txt, …");
        Directory.Exists(Path.Combine(_root, "out")).Should().BeFalse();

        int inShard = Enumerable.Range(0, 6).Count(i => new Engine.Running.ShardSpec(1, 3).Contains($"s{i}.txt"));
        CliResult sharded = await RunAsync("run", RecipePath, "--dry-run", "--shard", "1/3");
        sharded.Output.Should().Contain($"input songs: 6 items, {inShard} in shard 1/3, 0 up to date (skipped), {inShard} to run");

        (await RunAsync("run", RecipePath)).ExitCode.Should().Be(0);
        Dictionary<string, string> before = OutputFolderState();
        (await RunAsync("run", RecipePath, "--dry-run")).Output.Should().Contain("6 items, 6 in shard all, 6 up to date (skipped), 0 to run");

        File.WriteAllText(Path.Combine(_root, "in", "s2.txt"), "changed");
        File.Delete(Path.Combine(_root, "in", "s5.txt"));
        CliResult changed = await RunAsync("run", RecipePath, "--dry-run", "--prune");
        changed.ExitCode.Should().Be(0, changed.Error);
        changed.Output.Should().Contain("input songs: 5 items, 5 in shard all, 4 up to date (skipped), 1 to run")
            .And.Contain("would run: s2.txt" + Environment.NewLine)
            .And.Contain("manifest: 1 entry of items no longer in the inputs (a run drops them and --prune deletes their files)");
        (await RunAsync("run", RecipePath, "--dry-run", "--no-resume")).Output.Should().Contain("0 up to date (skipped), 5 to run");
        OutputFolderState().Should().Equal(before, "a dry run writes no output, manifest or log");
    }

    [Fact]
    public async Task MissingInputFolder_ValidateAndRunFailAtTheFolderOption_Exit2()
    {
        Directory.Delete(Path.Combine(_root, "in"), recursive: true);
        string expected = $"{RecipePath}:6:13: option 'folder' of step 'songs' names a folder that does not exist: {Path.Combine(_root, "in")}";

        CliResult validate = await RunAsync("validate", RecipePath);
        CliResult dryRun = await RunAsync("run", RecipePath, "--dry-run");
        CliResult run = await RunAsync("run", RecipePath);

        validate.ExitCode.Should().Be(2);
        validate.Output.Trim().Should().Be(expected);
        dryRun.ExitCode.Should().Be(2);
        run.ExitCode.Should().Be(2);
        run.Error.Trim().Should().Be(expected);
        run.Error.Should().NotContain("Exception").And.NotContain("null");
    }

    [Fact]
    public async Task Run_NoResume_RedoesEveryItem_WithTheSameBytes()
    {
        (await RunAsync("run", RecipePath)).ExitCode.Should().Be(0);
        string[] outputs = Directory.GetFiles(Path.Combine(_root, "out"), "*.out");
        Dictionary<string, string> hashes = outputs.ToDictionary(p => p, p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))));
        DateTime old = new(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (string path in outputs)
        {
            File.SetLastWriteTimeUtc(path, old);
        }

        CliResult again = await RunAsync("run", RecipePath, "--no-resume");

        again.ExitCode.Should().Be(0, again.Error);
        again.Output.Should().Contain("copy: 6 done").And.Contain("0 items skipped");
        outputs.Should().OnlyContain(p => File.GetLastWriteTimeUtc(p) > old);
        outputs.ToDictionary(p => p, p => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))).Should().Equal(hashes);
        (await RunAsync("run", RecipePath)).Output.Should().Contain("6 items skipped");
    }

    [Fact]
    public async Task Run_Prune_DeletesTheFilesOfRemovedInputsOnly()
    {
        (await RunAsync("run", RecipePath)).ExitCode.Should().Be(0);
        File.Delete(Path.Combine(_root, "in", "s5.txt"));
        File.WriteAllText(Path.Combine(_root, "out", "mine.txt"), "not from a run");

        CliResult pruned = await RunAsync("run", RecipePath, "--prune");

        pruned.ExitCode.Should().Be(0, pruned.Error);
        pruned.Output.Should().Contain("5 items skipped").And.Contain("1 entry of removed items dropped, 1 file pruned");
        Directory.GetFiles(Path.Combine(_root, "out"), "*.out").Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal("s0.txt.out", "s1.txt.out", "s2.txt.out", "s3.txt.out", "s4.txt.out");
        File.Exists(Path.Combine(_root, "out", "mine.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Validate_InvalidRecipe_ListsEveryProblemAndExits2()
    {
        File.WriteAllText(RecipePath, """
            inputs:
              - id: songs
                folder: in
                bogus: 1
            steps:
              - id: x
                use: nope
            """);

        CliResult result = await RunAsync("validate", RecipePath);

        result.ExitCode.Should().Be(2);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines.Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"r\.yaml:\d+:\d+: .+"));
        lines[0].Should().Contain(":4:5: unknown option 'bogus'");
        lines[1].Should().Contain(":7:10: unknown block 'nope'");
    }

    [Fact]
    public async Task Validate_ValidRecipe_Exits0()
    {
        CliResult result = await RunAsync("validate", RecipePath);

        result.ExitCode.Should().Be(0);
        result.Output.Trim().Should().Be($"{RecipePath}: valid (2 steps)");
        result.Error.Should().BeEmpty("a recipe with a writer has nothing to warn about");
    }

    [Fact]
    public async Task NoWriter_ValidateAndRunWarn_AndTheSummaryCountsNoFiles()
    {
        File.WriteAllText(RecipePath, "inputs:\n  - id: songs\n    folder: in\n    glob: [\"*.txt\"]\nsteps:\n  - id: len\n    use: length\noutputs:\n  root: out\n");

        CliResult validate = await RunAsync("validate", RecipePath);
        CliResult run = await RunAsync("run", RecipePath);

        validate.ExitCode.Should().Be(0, "a warning is not an error");
        validate.Error.Trim().Should().Be($"warning: {RecipePath}: no step writes files, so a run writes only its manifest and log (add a writer such as write-image or write-audio)");
        run.ExitCode.Should().Be(0, run.Error);
        run.Error.Should().Contain("warn: " + RecipePath + ": no step writes files");
        run.Output.Should().Contain("len: 6 done").And.Contain("0 files written, 0 items skipped");
    }

    [Fact]
    public async Task Run_InvalidRecipe_Exits2() =>
        (await RunAsync("run", RecipePath, "--set", "nonsense")).ExitCode.Should().Be(2);

    [Fact]
    public async Task Graph_PrintsTextAndDot()
    {
        CliResult text = await RunAsync("graph", RecipePath);
        text.ExitCode.Should().Be(0);
        text.Output.Should().Contain("copy [copy, ").And.Contain("<- songs");

        CliResult dot = await RunAsync("graph", RecipePath, "--dot");
        dot.Output.Should().StartWith("digraph recipe {").And.Contain("\"songs\" -> \"copy\";");
    }

    [Fact]
    public async Task Include_ValidateGraphRun_UseTheIncludedParts_AndEditingThemInvalidatesResume()
    {
        string common = Path.Combine(_root, "common");
        Directory.CreateDirectory(common);
        string included = Path.Combine(common, "copy.yaml");
        File.WriteAllText(included, """
            params:
              suffix: "!"
            inputs:
              - id: songs
                folder: ../in   # relative to this file
                glob: ["*.txt"]
            steps:
              - id: copy
                use: copy
                suffix: ${params.suffix}
            """);
        File.WriteAllText(RecipePath, "include: common/copy.yaml\noutputs:\n  root: out\n");

        CliResult validate = await RunAsync("validate", RecipePath);
        CliResult graph = await RunAsync("graph", RecipePath);
        CliResult first = await RunAsync("run", RecipePath);
        CliResult resumed = await RunAsync("run", RecipePath);
        File.WriteAllText(included, File.ReadAllText(included).Replace("suffix: \"!\"", "suffix: \"?\""));
        CliResult afterEdit = await RunAsync("run", RecipePath);

        validate.Output.Trim().Should().Be($"{RecipePath}: valid (2 steps; includes {included})");
        graph.Output.Should().Contain("copy [copy, ").And.Contain("<- songs");
        first.Output.Should().Contain("copy: 6 done");
        resumed.Output.Should().Contain("copy: 0 done").And.Contain("6 items skipped");
        afterEdit.Output.Should().Contain("copy: 6 done").And.Contain("0 items skipped");
        File.ReadAllText(Path.Combine(_root, "out", "s0.txt.out")).Should().Be("SONG 0?");
    }

    [Fact]
    public async Task Include_ErrorInIncludedFile_IsPrintedWithThatFilesPathLineAndColumn()
    {
        Directory.CreateDirectory(Path.Combine(_root, "common"));
        File.WriteAllText(Path.Combine(_root, "common", "steps.yaml"), "steps:\n  - id: copy\n    use: copy\n    bogus: 1\n");
        File.WriteAllText(RecipePath, "include: [common/steps.yaml, common/none.yaml]\ninputs:\n  - id: songs\n    folder: in\n");

        CliResult missing = await RunAsync("validate", RecipePath);
        File.WriteAllText(RecipePath, "include: [common/steps.yaml]\ninputs:\n  - id: songs\n    folder: in\n");
        CliResult bad = await RunAsync("validate", RecipePath);

        missing.ExitCode.Should().Be(2);
        missing.Output.Trim().Should().Be($"{RecipePath}:1:30: included file 'common/none.yaml' not found");
        bad.ExitCode.Should().Be(2);
        bad.Output.Trim().Should().Be($"{Path.Combine(_root, "common", "steps.yaml")}:4:5: unknown option 'bogus' for block 'copy' in step 'copy'");
    }

    [Fact]
    public async Task Blocks_ListsOptionsWithDefaults()
    {
        CliResult result = await RunAsync("blocks");
        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("copy (transform, cpu, SourceFile -> WrittenFile): Copies files.")
            .And.Contain("  suffix: text, default \"!\"")
            .And.Contain("  folder: inputpath, required");
    }

    [Fact]
    public async Task Schema_PrintsJsonSchema()
    {
        CliResult result = await RunAsync("schema");
        result.ExitCode.Should().Be(0);
        using var document = System.Text.Json.JsonDocument.Parse(result.Output);
        document.RootElement.GetProperty("$schema").GetString().Should().Contain("json-schema.org");
    }

    [Fact]
    public async Task LiveProgress_RunsThePlanAndReturnsTheReport()
    {
        Engine.Recipes.RunPlan plan = new Engine.Recipes.RecipeLoader(CreateRegistry()).LoadFile(RecipePath);

        Engine.Running.RunReport report = await new Commands.LiveProgress().RunAsync(plan, new Engine.Running.RunOptions(), new Engine.Running.RecipeRunner(), CancellationToken.None);

        report.Succeeded.Should().BeTrue();
        report.Steps["copy"].Succeeded.Should().Be(6);
    }

    /// <summary>Every file under the output root with its content hash and write time.</summary>
    private Dictionary<string, string> OutputFolderState() =>
        Directory.GetFiles(Path.Combine(_root, "out"), "*", SearchOption.AllDirectories).ToDictionary(
            f => f,
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))) + "@" + File.GetLastWriteTimeUtc(f).Ticks);

    private static BlockRegistry CreateRegistry()
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry
            .Add("copy", (CopyOptions o, BlockServices _) => new CopyBlock(o), "Copies files.")
            .Add("length", (NoOptions _, BlockServices _) => new LengthBlock(), "File lengths (writes nothing).");
        return registry;
    }

    private static async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = await CliApp.RunAsync(args, output, error, CreateRegistry, CancellationToken.None);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
