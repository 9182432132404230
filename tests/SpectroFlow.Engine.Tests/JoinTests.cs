using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

/// <summary>Joins with named inputs: each pairing policy, groups, order, memory, ends, errors, and load-time checks.</summary>
public sealed class JoinTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ByKey_PairsEqualKeysOfTwoInputs_AndFailsTheOneWithoutPartner()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: a
                use: count
                count: 4
              - id: b
                use: count
                count: 3
            steps:
              - id: plus
                use: add
                from: b
                amount: 10
                parallelism: 4
              - id: fade
                use: pair
                inputs: {a: a, b: plus}
            outputs:
              keep: [fade]
            """);

        Texts(report, "fade").Should().Equal("a/n0+b/n0=0+10", "a/n1+b/n1=1+11", "a/n2+b/n2=2+12");
        report.Outputs["fade"][1].Roots.Should().Equal("a/n1", "b/n1");
        report.Errors.Should().Equal(new ErrorRecord("fade", "#3 a/n3", "a/n3", "no partner at 'b' for key 'n3' (pairing: by-key)"));
    }

    [Fact]
    public async Task ByKey_ErrorInOneSidesItem_FailsThatItemAndNamesTheOrphanedPartner()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: a
                use: count
                count: 3
              - id: b
                use: count
                count: 3
            steps:
              - id: plus
                use: add
                from: b
                fail_on: 1
              - id: fade
                use: pair
                inputs: {a: a, b: plus}
            outputs:
              keep: [fade]
            """);

        Texts(report, "fade").Should().Equal("a/n0+b/n0=0+1", "a/n2+b/n2=2+3");
        report.Errors.Select(e => e.ToString()).Should().BeEquivalentTo(
            "plus: #1 b/n1: value 1 is cursed",
            "fade: #1 a/n1: no partner at 'b' for key 'n1' (pairing: by-key)");
    }

    [Fact]
    public async Task ByKey_EmptySide_FailsEveryItemOfTheOther()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: a
                use: count
                count: 2
              - id: b
                use: count
                count: 0
            steps:
              - id: fade
                use: pair
                inputs: {a: a, b: b}
            """);

        report.Errors.Select(e => e.Key).Should().BeEquivalentTo("a/n0", "a/n1");
        report.Errors.Should().OnlyContain(e => e.Reason.StartsWith("no partner at 'b'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Zip_PairsInNaturalOrder_AndFailsWhatTheShorterSideLacks()
    {
        // a: n1 -> [0], n2 -> [0, 1], n3 -> [0, 1, 2] (six clips, shuffled by a parallel step); b: 100..104.
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: a
                use: count
                count: 4
              - id: b
                use: count
                count: 5
            steps:
              - id: clips
                use: split
                from: a
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: plus
                use: add
                from: b
                amount: 100
              - id: fade
                use: pair
                inputs: {a: shuffle, b: plus}
                pairing: zip
            outputs:
              keep: [fade]
            """);

        Texts(report, "fade").Should().Equal(
            "a/n1#0+b/n0=0+100", "a/n2#0+b/n1=0+101", "a/n2#1+b/n2=1+102", "a/n3#0+b/n3=0+103", "a/n3#1+b/n4=1+104");
        report.Errors.Should().Equal(new ErrorRecord("fade", "#3 a/n3#2", "a/n3#2", "no partner at 'b' for key 'n3#2' (pairing: zip)"));
    }

    [Fact]
    public async Task EachWithOne_PairsEveryItemWithTheSingleMask_AsAReference()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: images
                use: count
                count: 4
              - id: masks
                use: count
                count: 1
            steps:
              - id: masked
                use: mask
                inputs: {image: images, mask: masks}
                pairing: each-with-one
                one: mask
            outputs:
              keep: [masked]
            """);

        report.Succeeded.Should().BeTrue();
        Texts(report, "masked").Should().Equal(
            "images/n0+masks/n0=0+0", "images/n1+masks/n0=1+0", "images/n2+masks/n0=2+0", "images/n3+masks/n0=3+0");
        report.Outputs["masked"].Should().OnlyContain(i => i.Roots.Length == 1 && i.References.SequenceEqual(new[] { "masks/n0" }));
    }

    [Theory]
    [InlineData(2, "'mask' gave 2 items; pairing: each-with-one needs exactly one", 5)]
    [InlineData(0, "no item reached 'mask', which pairing: each-with-one pairs with every item", 3)]
    public async Task EachWithOne_NotExactlyOneMask_FailsEveryItemWithOneLine(int masks, string reason, int errors)
    {
        RunReport report = await RunAsync(new Probe(), $"""
            inputs:
              - id: images
                use: count
                count: 3
              - id: masks
                use: count
                count: {masks}
            steps:
              - id: masked
                use: mask
                inputs: {"{"}image: images, mask: masks{"}"}
                pairing: each-with-one
                one: mask
            """);

        report.Errors.Should().HaveCount(errors).And.OnlyContain(e => e.Reason == reason);
    }

    [Fact]
    public async Task Window_PairsConsecutiveItemsOfEachSource_InNaturalOrder()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: clips
                use: split
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: blend
                use: pair
            outputs:
              keep: [blend]
            """);

        report.Succeeded.Should().BeTrue();
        Texts(report, "blend").Should().Equal("n2#0+n2#1=0+1", "n3#0+n3#1=0+1", "n3#1+n3#2=1+2");
    }

    [Fact]
    public async Task Window_GroupAll_PairsAcrossSources_InOrder()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 5
            steps:
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: blend
                use: pair
                pairing: window
                group: all
            outputs:
              keep: [blend]
            """);

        Texts(report, "blend").Should().Equal("n0+n1=0+1", "n1+n2=1+2", "n2+n3=2+3", "n3+n4=3+4");
        report.Outputs["blend"][0].Roots.Should().Equal("n0", "n1");
    }

    [Fact]
    public async Task ExpandingPair_Window_YieldsChildrenOfEachPair_InNaturalOrder_ForAGroupDownstream()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: frames
                use: between
                pairing: window
                group: all
                amount: 2
                delay_ms: 5
                parallelism: 4
              - id: track
                use: join
                group: all
            outputs:
              keep: [frames, track]
            """);

        report.Succeeded.Should().BeTrue();
        Texts(report, "frames").Should().Equal(
            "n0+n1#f0=10", "n0+n1#f1=11", "n1+n2#f0=120", "n1+n2#f1=121", "n2+n3#f0=230", "n2+n3#f1=231");
        report.Outputs["frames"].Single(i => i.Key == "n1+n2#f1").Roots.Should().Equal("n1", "n2");
        Texts(report, "track").Should().Equal("track=10,11,120,121,230,231");
    }

    [Fact]
    public async Task ExpandingPair_FailingPartWay_KeepsTheFramesAlreadyMade_AndRecordsThePair()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 3
            steps:
              - id: frames
                use: between
                pairing: window
                amount: 3
                fail_on: 1
                group: all
            outputs:
              keep: [frames]
            """);

        Texts(report, "frames").Should().Equal("n0+n1#f0=10", "n0+n1#f1=11", "n0+n1#f2=12", "n1+n2#f0=120");
        report.Errors.Should().ContainSingle().Which.Reason.Should().Be("no frame between 1 and 2");
        report.Errors[0].Key.Should().Be("n1+n2");
    }

    [Fact]
    public async Task Group_BySource_JoinsEachSourcesItemsInOrder_WithTheSourcesMetadata()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: clips
                use: split
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: song
                use: join
            outputs:
              keep: [song]
            """);

        Texts(report, "song").Should().Equal("n1=0", "n2=0,1", "n3=0,1,2");
        report.Outputs["song"][2].Metadata.Should().NotContainKey(WorkItem.Keys.ClipIndex, "clip indices differ within the group");
        report.Outputs["song"][2].Metadata[WorkItem.Keys.InputKey].Should().Be("n3");
    }

    [Fact]
    public async Task Group_All_JoinsEverythingInNaturalOrder()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: clips
                use: split
              - id: shuffle
                use: add
                amount: 0
                parallelism: 8
              - id: all
                use: join
                group: all
            outputs:
              keep: [all]
            """);

        Texts(report, "all").Should().Equal("all=0,0,1,0,1,2");
        report.Outputs["all"].Single().Roots.Should().Equal("n1", "n2", "n3");
    }

    [Fact]
    public async Task Group_FailingBlock_FailsThatGroupOnly()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 4
            steps:
              - id: clips
                use: split
              - id: song
                use: join
                fail_on: 2
            outputs:
              keep: [song]
            """);

        Texts(report, "song").Should().Equal("n1=0", "n2=0,1");
        report.Errors.Should().Equal(new ErrorRecord("song", "#3 n3", "n3", "mixer overloaded"));
    }

    [Fact]
    public async Task Group_All_BlockThatStopsReadingEarly_FailsTheGroupWithoutHanging()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: numbers
                use: count
                count: 50
            steps:
              - id: all
                use: join
                group: all
                fail_on: 0
                capacity: 2
            """);

        report.Errors.Should().Equal(new ErrorRecord("all", "#0 all", "all", "mixer overloaded"));
        report.Steps["all"].Received.Should().Be(50);
    }

    [Fact]
    public async Task OrderedJoin_SlowConsumer_HoldsTheSourceBack()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 300
            steps:
              - id: shuffle
                use: add
                amount: 0
                parallelism: 2
                capacity: 4
              - id: blend
                use: pair
                pairing: window
                group: all
                parallelism: 1
                capacity: 2
              - id: slow
                use: slow-text
                delay_ms: 2
                parallelism: 1
                capacity: 1
            """);

        report.Succeeded.Should().BeTrue();
        report.Steps["slow"].Succeeded.Should().Be(299);
        probe.MaxGap.Should().BeLessThan(40, "back-pressure reaches the first step through the join; unbounded, it would run ~300 ahead");
    }

    [Fact]
    public async Task OrderedJoin_LateFirstItem_DoesNotLetTheRestPileUp()
    {
        var probe = new Probe();
        RunReport report = await RunAsync(probe, """
            inputs:
              - id: numbers
                use: count
                count: 300
            steps:
              - id: shuffle
                use: add
                amount: 0
                late_on: 0
                parallelism: 2
                capacity: 4
              - id: blend
                use: pair
                pairing: window
                group: all
                parallelism: 1
                capacity: 2
              - id: slow
                use: slow-text
                delay_ms: 1
                parallelism: 1
                capacity: 1
            """);

        report.Succeeded.Should().BeTrue();
        Texts(report, "slow").Should().BeEmpty();
        report.Steps["slow"].Succeeded.Should().Be(299);
        probe.MaxGap.Should().BeLessThan(40, "while item 0 is late, the other worker may run ahead only as far as the input's window of open source items");
    }

    [Fact]
    public async Task Pair_SeedsComeFromKeys_NotFromRunOrder()
    {
        const string Recipe = """
            seed: 9
            inputs:
              - id: numbers
                use: count
                count: 6
            steps:
              - id: shuffle
                use: add
                amount: 0
                parallelism: PARALLELISM
              - id: blend
                use: pair
                group: all
            """;
        var serial = new Probe();
        var parallel = new Probe();

        await RunAsync(serial, Recipe.Replace("PARALLELISM", "1", StringComparison.Ordinal));
        await RunAsync(parallel, Recipe.Replace("PARALLELISM", "8", StringComparison.Ordinal));

        parallel.Seeds.Where(p => p.Key.Contains('+', StringComparison.Ordinal)).Should().BeEquivalentTo(serial.Seeds.Where(p => p.Key.Contains('+', StringComparison.Ordinal)));
        serial.Seeds.Keys.Should().Contain("n0+n1");
    }

    [Fact]
    public async Task Shards_ByKey_KeepEachPairInOneShard()
    {
        const string Recipe = """
            inputs:
              - id: a
                use: count
                count: 12
              - id: b
                use: count
                count: 12
            steps:
              - id: fade
                use: pair
                inputs: {a: a, b: b}
            outputs:
              keep: [fade]
            """;
        var outputs = new List<string>();
        foreach (string shard in new[] { "0/3", "1/3", "2/3" })
        {
            RunReport report = await new RecipeRunner().RunAsync(Load(new Probe(), Recipe), new RunOptions { Shard = ShardSpec.Parse(shard) }).WaitAsync(s_timeout);
            report.Errors.Should().BeEmpty($"shard {shard} holds both halves of its pairs");
            outputs.AddRange(Texts(report, "fade"));
        }

        outputs.Should().HaveCount(12).And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Shards_AcrossTheWholeRun_AreRefusedWithOneLine()
    {
        RunPlan plan = Load(new Probe(), """
            inputs:
              - id: numbers
                use: count
            steps:
              - id: blend
                use: pair
                group: all
            """);

        Func<Task> run = () => new RecipeRunner().RunAsync(plan, new RunOptions { Shard = ShardSpec.Parse("0/2") });

        (await run.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Be(
            "step 'blend' (pair) combines items across the whole run (group: all), so the run cannot be split into shards");
    }

    public static TheoryData<string, string> BrokenJoins => new()
    {
        {
            "    inputs: {a: x, c: y}\n",
            "r.yaml:12:20: step 'j' (pair) has no port 'c' (ports: a, b)"
        },
        {
            "    inputs: {a: x}\n",
            "r.yaml:12:13: step 'j' (pair): port 'b' has no input (inputs: {a: step, b: step})"
        },
        {
            "    inputs: {a: x, b: t}\n",
            "r.yaml:12:23: port 'b' of step 'j' (pair) takes Int32 but 't' (to-text) produces String"
        },
        {
            "    inputs: {a: x, b: y}\n    pairing: sideways\n",
            "r.yaml:13:14: pairing must be one of by-key, zip, each-with-one, window, not 'sideways'"
        },
        {
            "    inputs: {a: x, b: y}\n    pairing: each-with-one\n",
            "r.yaml:13:14: step 'j' (pair): pairing: each-with-one needs 'one': the port whose single item pairs with every item of the other"
        },
        {
            "    inputs: {a: x, b: y}\n    pairing: each-with-one\n    one: c\n",
            "r.yaml:14:10: step 'j' (pair) has no port 'c' (ports: a, b)"
        },
        {
            "    from: [x, y]\n",
            "r.yaml:12:15: step 'j' (pair): pairing: window reads one stream; 'from' names 2"
        },
        {
            "    pairing: zip\n    from: x\n",
            "r.yaml:12:14: step 'j' (pair): pairing: zip needs two streams, e.g. inputs: {a: x, b: y}"
        },
        {
            "    inputs: {a: x, b: y}\n    group: all\n",
            "r.yaml:13:12: 'group' applies to pairing: window (and to blocks that combine groups), not to pairing: by-key"
        },
    };

    [Theory]
    [MemberData(nameof(BrokenJoins))]
    public void Load_BrokenJoin_IsAnErrorAtItsLocation(string join, string expected)
    {
        string recipe = """
            inputs:
              - id: x
                use: count
              - id: y
                use: count
            steps:
              - id: t
                use: to-text
                from: x
              - id: j
                use: pair

            """ + join;

        Action load = () => Load(new Probe(), recipe);

        load.Should().Throw<RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Contain(expected);
    }

    [Fact]
    public void Load_InputsOnAOneInputBlock_IsAnError()
    {
        Action load = () => Load(new Probe(), """
            inputs:
              - id: x
                use: count
            steps:
              - id: plus
                use: add
                inputs: {a: x}
            """);

        load.Should().Throw<RecipeException>().Which.Errors.Select(e => e.ToString())
            .Should().Contain("r.yaml:7:13: step 'plus' (add) has one input: name it with 'from', not 'inputs'");
    }

    [Fact]
    public void Load_PairOfAudioAtDifferentRates_IsAnErrorNamingBoth()
    {
        Action load = () => Load(new Probe(), """
            inputs:
              - id: x
                use: count
            steps:
              - id: low
                use: make-tone
                from: x
                sample_rate: 44100
              - id: high
                use: make-tone
                from: x
                sample_rate: 48000
              - id: mixed
                use: mix
                inputs: {a: low, b: high}
            """);

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString().Should().Be(
            "r.yaml:15:13: step 'mixed' (mix) pairs 'low' with 'high', which cannot match: 44100 Hz against 48000 Hz (add a resample or mel step with the same settings to one side)");
    }

    [Fact]
    public async Task Pair_SameRates_LoadsAndRuns()
    {
        RunReport report = await RunAsync(new Probe(), """
            inputs:
              - id: x
                use: count
                count: 2
            steps:
              - id: low
                use: make-tone
                from: x
              - id: high
                use: make-tone
                from: x
              - id: mixed
                use: mix
                inputs: {a: low, b: high}
            outputs:
              keep: [mixed]
            """);

        Texts(report, "mixed").Should().Equal("n0+n0=44100+44100", "n1+n1=44100+44100");
    }

    private static string[] Texts(RunReport report, string step) =>
        [.. report.Outputs.GetValueOrDefault(step, []).OrderBy(i => i, WorkItem.NaturalOrder).Select(i => $"{i.Key}={i.Payload}")];

    private static RunPlan Load(Probe probe, string recipe) =>
        new RecipeLoader(ToyRegistry.Create(probe)).LoadText(recipe, "r.yaml", "/recipes");

    private static async Task<RunReport> RunAsync(Probe probe, string recipe) =>
        await new RecipeRunner().RunAsync(Load(probe, recipe)).WaitAsync(s_timeout);
}
