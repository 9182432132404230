using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

internal sealed class NoFinishOptions : IBlockOptions
{
    public bool FailToFinish { get; init; }

    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>Numbers 0..9, leaving out multiples of 3 (as a Jamendo source leaves out tracks that may not be downloaded).</summary>
internal sealed class PickySource : IItemSource<int>
{
    public async IAsyncEnumerable<SourceItem<int>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < 10; i++)
        {
            await Task.Yield();
            if (i % 3 == 0)
            {
                context.LeaveOut($"n{i}", "multiple of three");
                continue;
            }

            yield return new SourceItem<int>($"n{i}", i, new Dictionary<string, object> { ["number"] = (long)i });
        }
    }
}

/// <summary>Children 0..n-1 of n, leaving out the even ones with a reason (as a gate leaves out near-silent slices).</summary>
internal sealed class OddChildrenBlock : IExpandingBlock<int, int>
{
    public async IAsyncEnumerable<ItemOutput<int>> ExpandAsync(int input, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < input; i++)
        {
            await Task.Yield();
            if (i % 2 == 0)
            {
                continue;
            }

            yield return new ItemOutput<int>(i, Metadata: new Dictionary<string, object> { [WorkItem.Keys.ClipIndex] = (long)i, ["ratio"] = i / 4.0 });
        }

        if (input % 2 == 1)
        {
            context.LeaveOut("odd parent");
        }
    }
}

/// <summary>Passes even numbers on, leaves out odd ones.</summary>
internal sealed class EvenFilter : IExpandingBlock<int, int>
{
    public async IAsyncEnumerable<ItemOutput<int>> ExpandAsync(int input, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (input % 2 == 0)
        {
            yield return new ItemOutput<int>(input, Metadata: new Dictionary<string, object> { ["even"] = true });
        }
        else
        {
            context.LeaveOut("odd");
        }
    }
}

/// <summary>Writes each number to a file and, at the end, an index of every file the manifest records for it.</summary>
internal sealed class IndexingWriter(NoFinishOptions options, ConcurrentQueue<RunOutcome> outcomes) : IBlock<int, WrittenFile>, IFinishingBlock
{
    private string? _root;

    public ValueTask<WrittenFile> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken)
    {
        _root = context.Run.OutputRoot;
        byte[] content = Encoding.UTF8.GetBytes(input.ToString(CultureInfo.InvariantCulture));
        string relative = "numbers/" + context.Item.Key.Replace('#', '_') + ".txt";
        string full = Path.Combine(context.Run.OutputRoot, relative);
        AtomicFile.WriteAllBytes(full, content);
        context.OutputMetadata["written"] = true;
        return ValueTask.FromResult(new WrittenFile(full, relative, content.Length, Convert.ToHexStringLower(SHA256.HashData(content))));
    }

    public Task FinishAsync(RunOutcome outcome, CancellationToken cancellationToken)
    {
        outcomes.Enqueue(outcome);
        if (options.FailToFinish)
        {
            throw new IOException("disk full");
        }

        if (_root is not null)
        {
            var index = new StringBuilder();
            foreach (FinishedItem item in outcome.Items)
            {
                foreach (FinishedOutput output in item.Outputs)
                {
                    index.Append(CultureInfo.InvariantCulture, $"{item.Key} {output.Path} {output.Step}\n");
                }
            }

            AtomicFile.WriteAllBytes(Path.Combine(_root, "index.txt"), Encoding.UTF8.GetBytes(index.ToString()));
        }

        return Task.CompletedTask;
    }
}

public sealed class FinishingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sf-finish-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentQueue<RunOutcome> _outcomes = new();

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
    public async Task Finisher_SeesEveryItemWithItsFilesStepsAndMetadata_AndWhatWasLeftOut()
    {
        RunReport report = await RunAsync();

        report.Succeeded.Should().BeTrue();
        RunOutcome outcome = _outcomes.Should().ContainSingle().Subject;
        outcome.Complete.Should().BeTrue();
        outcome.Shard.Should().BeNull();
        outcome.Items.Select(i => i.Key).Should().Equal("n1", "n2", "n4", "n5", "n7", "n8");
        outcome.LeftOut.Should().Equal(
            new LeftOutRecord("numbers", "n0", "multiple of three"),
            new LeftOutRecord("numbers", "n3", "multiple of three"),
            new LeftOutRecord("numbers", "n6", "multiple of three"),
            new LeftOutRecord("numbers", "n9", "multiple of three"));

        FinishedItem five = outcome.Items.Single(i => i.Key == "n5");
        five.Ok.Should().BeTrue();
        five.Outputs.Select(o => o.Path).Should().Equal("numbers/n5_0.txt", "numbers/n5_1.txt");
        five.Outputs.Should().OnlyContain(o => o.Step == "write");
        FinishedOutput three = five.Outputs[1];
        three.Item.Should().Be("n5#1", "children are numbered in the order they are yielded");
        three.Metadata["clip_index"].Should().Be(3L);
        three.Metadata["ratio"].Should().Be(0.75);
        three.Metadata["written"].Should().Be(true);
        three.Metadata["number"].Should().Be(5L, "a child keeps its source item's metadata");
        five.LeftOut.Should().Equal(new LeftOutRecord("odd", "n5", "odd parent"));
        outcome.Items.Single(i => i.Key == "n4").LeftOut.Should().BeEmpty();

        report.LeftOut.Should().HaveCount(4 + 3, "four left out by the source, three odd parents (1, 5, 7)");
        File.ReadAllText(Path.Combine(_root, "out", "index.txt")).Should().StartWith("n2 numbers/n2_0.txt write\nn4 numbers/n4_0.txt write\nn4 numbers/n4_1.txt write\n");
    }

    [Fact]
    public async Task Finisher_OnAResumedRun_StillSeesTheSkippedItemsAndTheirLeftOutRecords()
    {
        await RunAsync();
        string index = File.ReadAllText(Path.Combine(_root, "out", "index.txt"));
        _outcomes.Clear();

        RunReport second = await RunAsync();

        second.Skipped.Should().Be(6);
        RunOutcome outcome = _outcomes.Should().ContainSingle().Subject;
        outcome.Items.Should().HaveCount(6);
        outcome.Items.Single(i => i.Key == "n7").LeftOut.Should().Equal(new LeftOutRecord("odd", "n7", "odd parent"));
        outcome.Items.Single(i => i.Key == "n7").Outputs.Single(o => o.Item == "n7#2").Metadata["ratio"].Should().Be(1.25, "metadata read back from the manifest is plain again");
        outcome.LeftOut.Should().HaveCount(4, "the source lists everything again");
        second.LeftOut.Should().HaveCount(4, "no block ran for a skipped item");
        File.ReadAllText(Path.Combine(_root, "out", "index.txt")).Should().Be(index);
    }

    [Fact]
    public async Task Finisher_ThatFails_IsAFaultNamingTheStep_AndTheItemsStay()
    {
        RunReport report = await RunAsync(failToFinish: true);

        report.Faults.Should().ContainSingle().Which.Message.Should().Be("step 'write' could not finish: disk full");
        RunManifest.Read(report.ManifestPath!).Entries.Should().HaveCount(6);
        File.Exists(Path.Combine(_root, "out", "numbers", "n8_3.txt")).Should().BeTrue();
    }

    [Fact]
    public async Task Finisher_IsNotCalled_WhenTheRunIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        RunReport report = await RunAsync(cancellationToken: cts.Token);

        report.Cancelled.Should().BeTrue();
        _outcomes.Should().BeEmpty();
    }

    [Fact]
    public async Task Filter_PassesTheSameItemOn_SameKeySeedAndPosition()
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry
            .AddSource("picky", (NoOptions _, BlockServices _) => new PickySource(), "0..9 but multiples of three.")
            .AddFilter("even", (NoOptions _, BlockServices _) => new EvenFilter(), "Even numbers.");
        RunPlan plan = new RecipeLoader(registry).LoadText(
            """
            inputs:
              - id: numbers
                use: picky
            steps:
              - id: even
                use: even
            outputs:
              root: out
              keep: [numbers, even]
            """,
            "r.yaml",
            _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        IReadOnlyList<WorkItem> kept = report.Outputs["even"];
        kept.Select(i => i.Key).Should().Equal("n2", "n4", "n8");
        WorkItem source = report.Outputs["numbers"].Single(i => i.Key == "n4");
        kept[1].Seed.Should().Be(source.Seed);
        kept[1].Position.Should().Equal(source.Position.ToArray());
        kept[1].GetMetadata("even", false).Should().BeTrue();
        report.LeftOut.Where(r => r.Step == "even").Select(r => r.Item).Should().BeEquivalentTo("n1", "n5", "n7");
    }

    private Task<RunReport> RunAsync(bool failToFinish = false, CancellationToken cancellationToken = default)
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry
            .AddSource("picky", (NoOptions _, BlockServices _) => new PickySource(), "0..9 but multiples of three.")
            .Add("odd-children", (NoOptions _, BlockServices _) => new OddChildrenBlock(), "Odd children.")
            .Add("indexing-writer", (NoFinishOptions o, BlockServices _) => new IndexingWriter(o, _outcomes), "Writes and indexes.");
        RunPlan plan = new RecipeLoader(registry).LoadText(
            $"""
            inputs:
              - id: numbers
                use: picky
            steps:
              - id: odd
                use: odd-children
              - id: write
                use: indexing-writer
                fail_to_finish: {(failToFinish ? "true" : "false")}
            outputs:
              root: out
            """,
            "r.yaml",
            _root);
        return new RecipeRunner().RunAsync(plan, new RunOptions { Manifest = true, ToolVersion = "test" }, cancellationToken);
    }
}
