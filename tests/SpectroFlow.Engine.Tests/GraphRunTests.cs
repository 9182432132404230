using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

public sealed class GraphRunTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_LinearChain_ProducesEveryItemWithMetadata()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            seed: 5
            inputs:
              - id: numbers
                use: count
                count: 20
            steps:
              - id: plus
                use: add
                amount: 10
              - id: text
                use: to-text
            outputs:
              keep: [text]
            """);

        report.Succeeded.Should().BeTrue();
        report.Completed.Should().Be(20);
        report.Steps["plus"].Should().Be(new StepCounts(20, 20, 0, 0, 20));
        IReadOnlyList<WorkItem> outputs = report.Outputs["text"];
        outputs.Should().HaveCount(20);
        WorkItem n3 = outputs.Single(i => i.Key == "n3");
        n3.Payload.Should().Be("13");
        n3.Metadata["added"].Should().Be(10L);
        n3.ToString().Should().Be("#3 n3");
    }

    [Fact]
    public async Task RunAsync_ParallelismOne_KeepsSourceOrder()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 50
            steps:
              - id: plus
                use: add
                parallelism: 1
            """);

        report.Succeeded.Should().BeTrue();
        probe.Arrivals.Should().Equal(Enumerable.Range(0, 50).Select(i => $"n{i}"));
    }

    [Fact]
    public async Task RunAsync_FanOutAndFanIn_CompletesOnlyAfterBothBranches()
    {
        // One branch is slow: with PropagateCompletion from both branches, the merge would complete when the fast
        // branch finishes and the slow branch's items would be declined or lost.
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 30
            steps:
              - id: fast
                use: add
                amount: 100
              - id: slow
                use: add
                from: numbers
                amount: 200
                delay_ms: 5
                parallelism: 1
                capacity: 1
              - id: merge
                use: to-text
                from: [fast, slow]
                capacity: 1
            outputs:
              keep: [merge]
            """);

        report.Succeeded.Should().BeTrue();
        report.Steps["merge"].Received.Should().Be(60);
        report.Outputs["merge"].Select(i => i.Payload).Cast<string>().Select(int.Parse).Order()
            .Should().Equal(Enumerable.Range(100, 30).Concat(Enumerable.Range(200, 30)));
        report.Completed.Should().Be(60);
    }

    [Fact]
    public async Task RunAsync_ManyBranchesWithoutConsumers_NeverStall()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 200
            steps:
              - id: a
                use: add
                capacity: 1
              - id: b
                use: add
                from: numbers
                capacity: 1
              - id: c
                use: to-text
                from: numbers
                capacity: 1
            """);

        report.Succeeded.Should().BeTrue();
        report.Completed.Should().Be(600);
    }

    [Fact]
    public async Task RunAsync_OneBadItem_BecomesErrorRecordAndOthersSucceed()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 10
            steps:
              - id: plus
                use: add
                fail_on: 3
              - id: text
                use: to-text
            outputs:
              keep: [text]
            """);

        report.Succeeded.Should().BeFalse();
        report.Errors.Should().Equal(new ErrorRecord("plus", "#3 n3", "n3", "value 3 is cursed"));
        report.Errors[0].ToString().Should().Be("plus: #3 n3: value 3 is cursed");
        report.Steps["plus"].Should().Be(new StepCounts(10, 9, 1, 0, 9));
        report.Outputs["text"].Select(i => i.Key).Should().HaveCount(9).And.NotContain("n3");
    }

    [Fact]
    public async Task RunAsync_BlockThrowsItsOwnCancellation_IsAnErrorNotASilentDrop()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 5
            steps:
              - id: fetch
                use: time-out
                fail_on: 2
            """);

        report.Errors.Should().Equal(new ErrorRecord("fetch", "#2 n2", "n2", "request timed out"));
        report.Steps["fetch"].Should().Be(new StepCounts(5, 4, 1, 0, 4));
        report.Cancelled.Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_Cancelled_StopsPromptlyAndAccountsForEveryItem()
    {
        var probe = new Probe();
        RunPlan plan = Load(probe, """
            inputs:
              - id: numbers
                use: count
                count: 100000
            steps:
              - id: slow
                use: add
                delay_ms: 20
                parallelism: 2
                capacity: 4
              - id: text
                use: to-text
            outputs:
              keep: [text]
            """);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        RunReport report = await new RecipeRunner().RunAsync(plan, cts.Token).WaitAsync(s_timeout);

        // Uncancelled, the run would take 1000 s; the bound is loose because test assemblies share two cores in CI.
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        report.Cancelled.Should().BeTrue();
        report.Errors.Should().BeEmpty();
        StepCounts source = report.Steps["numbers"];
        StepCounts slow = report.Steps["slow"];
        StepCounts text = report.Steps["text"];
        source.Produced.Should().BeLessThan(100000);
        slow.Received.Should().Be(source.Produced, "every item sent is received or counted as not delivered");
        slow.Received.Should().Be(slow.Succeeded + slow.Failed + slow.Cancelled);
        text.Received.Should().Be(slow.Produced);
        text.Received.Should().Be(text.Succeeded + text.Failed + text.Cancelled);
        IReadOnlyList<WorkItem> kept = report.Outputs.GetValueOrDefault("text") ?? [];
        kept.Select(i => i.Key).Should().OnlyHaveUniqueItems();
        kept.Should().HaveCount((int)text.Succeeded);
        slow.Succeeded.Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task RunAsync_SeedsPerItem_DoNotDependOnParallelism()
    {
        const string recipe = """
            seed: 42
            inputs:
              - id: numbers
                use: count
                count: 64
            steps:
              - id: plus
                use: add
                parallelism: PARALLELISM
            """;
        var serial = new Probe();
        var parallel = new Probe();
        var otherSeed = new Probe();

        await RunAsync(serial, recipe.Replace("PARALLELISM", "1"));
        await RunAsync(parallel, recipe.Replace("PARALLELISM", "8"));
        await RunAsync(otherSeed, recipe.Replace("PARALLELISM", "8").Replace("seed: 42", "seed: 43"));

        serial.Seeds.Should().HaveCount(64);
        parallel.Seeds.Should().BeEquivalentTo(serial.Seeds);
        otherSeed.Seeds["n0"].Should().NotBe(serial.Seeds["n0"]);
        serial.Seeds.Values.Distinct().Should().HaveCount(64);
    }

    [Fact]
    public async Task RunAsync_SlowConsumer_BoundsItemsInFlight()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 200
            steps:
              - id: slow
                use: add
                delay_ms: 2
                parallelism: 2
                capacity: 3
            """, onTick: () =>
        {
            // The source can run ahead of the consumer by at most the consumer's capacity (plus the item in hand).
            int ahead = Volatile.Read(ref probe.Produced) - Volatile.Read(ref probe.Consumed);
            ahead.Should().BeLessThanOrEqualTo(3 + 1);
        });

        report.Succeeded.Should().BeTrue();
        probe.MaxInFlight.Should().BeLessThanOrEqualTo(2);
    }

    [Fact]
    public async Task RunAsync_ExpandingBlock_CreatesChildrenWithKeysAndMetadata()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: clips
                use: split
            outputs:
              keep: [clips]
            """);

        report.Succeeded.Should().BeTrue();
        report.Outputs["clips"].Select(i => i.Key).Should().Equal("n1#0", "n2#0", "n2#1", "n3#0", "n3#1", "n3#2");
        WorkItem child = report.Outputs["clips"].Single(i => i.Key == "n3#2");
        child.Metadata[WorkItem.Keys.ClipIndex].Should().Be(2L);
        child.Ordinal.Should().Be(3);
        child.Seed.Should().NotBe(report.Outputs["clips"].Single(i => i.Key == "n3#1").Seed);
        report.Steps["clips"].Should().Be(new StepCounts(4, 4, 0, 0, 6));
    }

    [Fact]
    public async Task RunAsync_SharedResource_IsCreatedOnceAndDisposedAtEnd()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 12
            steps:
              - id: infer
                use: session
            """);

        report.Succeeded.Should().BeTrue();
        probe.Sessions.Should().HaveCount(12);
        probe.Sessions.Distinct().Should().ContainSingle().Which.Disposed.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_OutputPath_ResolvesUnderTheRoot()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 1
            steps:
              - id: write
                use: write
                path: images/a.png
            outputs:
              root: results
              keep: [write]
            """);

        report.Outputs["write"].Single().Payload.Should().Be(Path.GetFullPath("/recipes/results/images/a.png"));
    }

    [Fact]
    public async Task RunAsync_FactoryThrows_ReportsTheStep()
    {
        RunPlan plan = Load(new Probe(), """
            inputs:
              - id: numbers
                use: count
            steps:
              - id: unet
                use: broken-factory
            """);

        Func<Task> run = () => new RecipeRunner().RunAsync(plan);

        (await run.Should().ThrowAsync<Core.Errors.SpectroFlowException>()).Which.Message
            .Should().Be("r.yaml:5:5: step 'unet' (broken-factory) could not start: model.onnx not found");
    }

    private static RunPlan Load(Probe probe, string recipe) =>
        new RecipeLoader(ToyRegistry.Create(probe)).LoadText(recipe, "r.yaml", "/recipes");

    private static async Task<RunReport> RunAsync(Probe probe, string recipe, Action? onTick = null)
    {
        RunPlan plan = Load(probe, recipe);
        Task<RunReport> run = new RecipeRunner().RunAsync(plan);
        if (onTick is not null)
        {
            while (!run.IsCompleted)
            {
                onTick();
                await Task.Delay(1);
            }
        }

        return await run.WaitAsync(s_timeout);
    }
}
