using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Randomness;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

internal sealed class NamedCopyOptions : FileOutputOptions
{
}

/// <summary>A writer block like the real ones: upper-cased copy published through <see cref="OutputNaming"/> (folder + name template).</summary>
internal sealed class NamedCopyBlock(NamedCopyOptions options) : IBlock<SourceFile, WrittenFile>
{
    public ValueTask<WrittenFile> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(OutputNaming.Publish(context.Run, options.Folder, options.Name, ".out", context.Item, Encoding.UTF8.GetBytes(File.ReadAllText(input.FullPath).ToUpperInvariant())));
}

/// <summary>Two inputs holding the same relative path: distinct keys, seeds, manifest lines and (with a unique template) files.</summary>
public sealed class MultipleInputsTests : IDisposable
{
    private const ulong Seed = 11;
    private readonly string _root = Directory.CreateTempSubdirectory("sf-inputs-").FullName;

    public MultipleInputsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a"));
        Directory.CreateDirectory(Path.Combine(_root, "b"));
        File.WriteAllText(Path.Combine(_root, "a", "x.txt"), "from a");
        File.WriteAllText(Path.Combine(_root, "a", "only-a.txt"), "only a");
        File.WriteAllText(Path.Combine(_root, "b", "x.txt"), "from b");
    }

    private string OutputRoot => Path.Combine(_root, "out");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task TwoInputs_SameRelativePath_GetDistinctKeysSeedsManifestLinesAndFiles()
    {
        RunReport report = await RunAsync("{input}_{source_dir}{stem}");

        report.Succeeded.Should().BeTrue(string.Join("; ", report.Errors));
        IReadOnlyList<ManifestEntry> entries = RunManifest.Read(report.ManifestPath!).Entries;
        entries.Select(e => e.Key).Should().BeEquivalentTo(["a/only-a.txt", "a/x.txt", "b/x.txt"]);
        ManifestEntry a = entries.Single(e => e.Key == "a/x.txt");
        ManifestEntry b = entries.Single(e => e.Key == "b/x.txt");
        a.Seed.Should().Be(DeterministicRandom.DeriveSeed(Seed, "a/x.txt")).And.NotBe(b.Seed);
        b.Seed.Should().Be(DeterministicRandom.DeriveSeed(Seed, "b/x.txt"));
        a.Outputs.Should().ContainSingle().Which.Path.Should().Be("a_x.out");
        b.Outputs.Should().ContainSingle().Which.Path.Should().Be("b_x.out");
        File.ReadAllText(Path.Combine(OutputRoot, "a_x.out")).Should().Be("FROM A");
        File.ReadAllText(Path.Combine(OutputRoot, "b_x.out")).Should().Be("FROM B");
        report.Outputs["copy"].Select(i => i.Key).Should().Equal("a/only-a.txt", "a/x.txt", "b/x.txt");
    }

    [Fact]
    public async Task OneInput_KeepsBareKeysAndSeeds_AndStillKnowsItsInput()
    {
        RunReport report = await RunAsync("{input}_{stem}", twoInputs: false);

        report.Succeeded.Should().BeTrue(string.Join("; ", report.Errors));
        ManifestEntry x = RunManifest.Read(report.ManifestPath!).Entries.Single(e => e.Key == "x.txt");
        x.Seed.Should().Be(DeterministicRandom.DeriveSeed(Seed, "x.txt"));
        x.Outputs.Should().ContainSingle().Which.Path.Should().Be("a_x.out");
    }

    [Fact]
    public async Task TwoInputs_SameOutputPath_SecondItemFailsNamingBoth_AndNothingIsOverwritten_AlsoWhenResumed()
    {
        RunReport first = await RunAsync("{stem}");

        ErrorRecord error = first.Errors.Should().ContainSingle().Subject;
        string loser = error.Key!;
        string owner = loser == "a/x.txt" ? "b/x.txt" : "a/x.txt";
        loser.Should().BeOneOf("a/x.txt", "b/x.txt");
        error.Reason.Should().StartWith($"output 'x.out' was already written for item '{owner}'").And.NotContain("\n");
        error.ToString().Should().StartWith($"copy: {error.Item}: output").And.Contain(loser, Exactly.Once(), "the item is named once");
        string ownerText = owner == "a/x.txt" ? "FROM A" : "FROM B";
        File.ReadAllText(Path.Combine(OutputRoot, "x.out")).Should().Be(ownerText);

        // The owner is skipped on resume; its file is reserved for it, so the redone item fails again instead of overwriting it.
        RunReport second = await RunAsync("{stem}");

        second.Skipped.Should().Be(2);
        second.Errors.Should().ContainSingle().Which.Reason.Should().Contain($"already written for item '{owner}'");
        File.ReadAllText(Path.Combine(OutputRoot, "x.out")).Should().Be(ownerText);
        RunManifest.Read(second.ManifestPath!).Entries.Single(e => e.Key == owner).Status.Should().Be(RunManifest.Ok);
    }

    [Fact]
    public async Task FileOfASkippedItem_IsNotOverwrittenByANewItemWithTheSameOutputPath()
    {
        File.Move(Path.Combine(_root, "b", "x.txt"), Path.Combine(_root, "b-x.txt"));
        (await RunAsync("{stem}")).Succeeded.Should().BeTrue();
        File.Move(Path.Combine(_root, "b-x.txt"), Path.Combine(_root, "b", "x.txt"));

        RunReport second = await RunAsync("{stem}");

        second.Skipped.Should().Be(2);
        ErrorRecord error = second.Errors.Should().ContainSingle().Subject;
        error.Key.Should().Be("b/x.txt");
        error.Reason.Should().Contain("output 'x.out' was already written for item 'a/x.txt'");
        File.ReadAllText(Path.Combine(OutputRoot, "x.out")).Should().Be("FROM A");
        (await RunAsync("{stem}")).Skipped.Should().Be(2, "a/x.txt's entry is still valid");
    }

    [Fact]
    public async Task DefaultName_SameStemDifferentExtensions_BothWritten()
    {
        File.WriteAllText(Path.Combine(_root, "a", "song.mp3"), "mp3");
        File.WriteAllText(Path.Combine(_root, "a", "song.ogg"), "ogg");

        RunReport report = await new RecipeRunner().RunAsync(Load(null, twoInputs: false), new RunOptions { Manifest = true, ToolVersion = "test" });

        report.Succeeded.Should().BeTrue(string.Join("; ", report.Errors));
        File.ReadAllText(Path.Combine(OutputRoot, "song.mp3.out")).Should().Be("MP3");
        File.ReadAllText(Path.Combine(OutputRoot, "song.ogg.out")).Should().Be("OGG");
    }

    [Fact]
    public void TwoInputs_IdWithSlash_IsRejected()
    {
        Action load = () => Load("{stem}", twoInputs: true, secondId: "b/c");

        load.Should().Throw<RecipeException>().WithMessage("*input id 'b/c' must not contain '/'*");
    }

    private RunPlan Load(string? name, bool twoInputs, string secondId = "b")
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry.Add("named-copy", (NamedCopyOptions o, BlockServices _) => new NamedCopyBlock(o), "Copies a file under a templated name.");
        string second = twoInputs ? $"\n  - id: {secondId}\n    folder: b\n" : "\n";
        string from = twoInputs ? $"[a, {secondId}]" : "a";
        return new RecipeLoader(registry).LoadText(
            $"""
            seed: {Seed}
            inputs:
              - id: a
                folder: a{second}
            steps:
              - id: copy
                use: named-copy
                from: {from}{(name is null ? string.Empty : $"\n    name: \"{name}\"")}
            outputs:
              root: out
              keep: [copy]
            """,
            "r.yaml",
            _root);
    }

    private Task<RunReport> RunAsync(string name, bool twoInputs = true) =>
        new RecipeRunner().RunAsync(Load(name, twoInputs), new RunOptions { Manifest = true, ToolVersion = "test" });
}
