using System.Security.Cryptography;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;

namespace SpectroFlow.Core.Tests.IO;

public sealed class OutputNamingTests
{
    private static WorkItem Item(string key, params (string Key, object Value)[] metadata) =>
        WorkItem.Create(key, 3, "payload", 1, metadata.Select(m => new KeyValuePair<string, object>(m.Key, m.Value)));

    [Theory]
    [InlineData("{stem}", "song")]
    [InlineData("{source_stem}-{ordinal:000}", "song-003")]
    [InlineData("x_{bpm:0.0}", "x_96.5")]
    [InlineData("{{literal}}_{stem}", "{literal}_song")]
    public void Expand_RootItem(string template, string expected) =>
        OutputNaming.Expand(template, Item("dir/song.wav", ("bpm", 96.5))).Should().Be(expected);

    [Fact]
    public void Expand_Clip_StemHasClipIndexAndValuesAreSanitised()
    {
        WorkItem clip = Item("dir/song.wav#12", (WorkItem.Keys.SourcePath, "/abs/dir/song.wav"), (WorkItem.Keys.ClipIndex, 12L), ("tags", "a/b:c"));
        OutputNaming.Expand("{stem}", clip).Should().Be("song_00012");
        OutputNaming.Expand("{source_stem}_{clip_index:D3}_{tags}", clip).Should().Be("song_012_a_b_c");
    }

    [Fact]
    public void Expand_MissingMetadata_ThrowsNamingThePlaceholderNotTheItem()
    {
        WorkItem item = Item("a.wav", ("name", "x"));
        FluentActions.Invoking(() => OutputNaming.Expand("{clip_index}", item)).Should().Throw<SpectroFlowException>()
            .WithMessage("name template '{clip_index}' uses 'clip_index'*")
            .Which.Message.Should().NotContain("a.wav", "the engine's error record names the item");
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/{stem}", "not a path")]
    [InlineData("{stem", "unclosed")]
    [InlineData("stem}", "unmatched")]
    [InlineData("x{}", "empty placeholder")]
    public void CheckTemplate_Bad(string template, string problem) =>
        OutputNaming.CheckTemplate(template).Should().Contain(problem);

    [Fact]
    public void CheckTemplate_Good() => OutputNaming.CheckTemplate("{stem}_{clip_index:00000}").Should().BeNull();

    [Fact]
    public void Publish_WritesUnderRootWithHash()
    {
        using var directory = new TemporaryDirectory();
        var run = new RunContext(1, directory.Path, new SharedResources());
        byte[] content = [1, 2, 3];

        WrittenFile file = OutputNaming.Publish(run, new OutputPath("a/b"), "{stem}", ".bin", Item("x.wav"), content);

        file.RelativePath.Should().Be("a/b/x.bin");
        File.ReadAllBytes(file.FullPath).Should().Equal(content);
        file.Length.Should().Be(3);
        file.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(content)));
    }

    [Fact]
    public void Expand_SourceDir()
    {
        OutputNaming.Expand("{source_dir}_{stem}", Item("a/b/song.wav#1")).Should().Be("a_b_song");
        OutputNaming.Expand("{source_dir}{stem}", Item("song.wav")).Should().Be("song");
    }

    [Theory]
    [InlineData("{source_dir}_{stem}", "menu_00000")]
    [InlineData("{source_dir}-{stem}", "menu_00000")]
    [InlineData("{stem}_{tags}", "menu_00000")]
    [InlineData("{stem}_{tags}_{clip_index}", "menu_00000_0")]
    [InlineData("{stem} - {tags} - x", "menu_00000 - x")]
    [InlineData("{tags}.{source_dir}.{stem}", "menu_00000")]
    [InlineData("x_{tags}", "x")]
    [InlineData("{stem}{tags}_x", "menu_00000_x")]
    [InlineData("a__{tags}", "a")]
    public void Expand_EmptyValue_LeavesNoSeparatorsBehind(string template, string expected)
    {
        WorkItem clip = Item("menu.wav#0", (WorkItem.Keys.ClipIndex, 0L), (WorkItem.Keys.Tags, string.Empty));

        OutputNaming.Expand(template, clip).Should().Be(expected);
    }

    [Fact]
    public void Expand_NonEmptyValues_KeepTheirSeparators() =>
        OutputNaming.Expand("{source_dir}__{stem}_", Item("a/song.wav")).Should().Be("a__song_");

    [Theory]
    [InlineData("songs/song.mp3", "song.mp3")]
    [InlineData("songs/song.ogg", "song.ogg")]
    [InlineData("songs/README", "README")]
    public void Expand_DefaultTemplate_KeepsTheExtension(string key, string expected) =>
        OutputNaming.Expand(OutputNaming.DefaultTemplate, Item(key)).Should().Be(expected);

    [Fact]
    public void Expand_FileAndExt()
    {
        WorkItem clip = Item("song.mp3#3", (WorkItem.Keys.SourcePath, "/abs/song.mp3"), (WorkItem.Keys.ClipIndex, 3L));

        OutputNaming.Expand("{file}", clip).Should().Be("song.mp3_00003");
        OutputNaming.Expand("{source_stem}_{ext}_{clip_index:000}", clip).Should().Be("song_mp3_003");
        OutputNaming.Expand("{stem}_{ext}", Item("noext")).Should().Be("noext");
    }

    [Fact]
    public void Placeholders_ListsTheNamesOfATemplate() =>
        OutputNaming.Placeholders("{{x}}_{stem}_{bpm:0.0}-{ input }").Should().Equal("stem", "bpm", "input");

    [Fact]
    public void Expand_InputAndSourceDir_UseTheKeyWithinTheInput()
    {
        WorkItem item = Item("songs/a/b/x.wav", (WorkItem.Keys.Input, "songs"), (WorkItem.Keys.InputKey, "a/b/x.wav")).CreateChild("2", "clip");

        OutputNaming.Expand("{input}_{source_dir}_{stem}", item).Should().Be("songs_a_b_x");
    }

    [Fact]
    public void TryReserve_PathOfAnotherItem_FailsAndPublishingItFailsToo()
    {
        using var directory = new TemporaryDirectory();
        var run = new RunContext(1, directory.Path, new SharedResources());

        OutputNaming.TryReserve(run, "x.bin", "a/x.wav").Should().BeTrue();
        OutputNaming.TryReserve(run, "x.bin", "a/x.wav").Should().BeTrue();
        OutputNaming.TryReserve(run, "x.bin", "b/x.wav").Should().BeFalse();
        FluentActions.Invoking(() => OutputNaming.Publish(run, new OutputPath("."), "{stem}", ".bin", Item("b/x.wav"), [3]))
            .Should().Throw<SpectroFlowException>().WithMessage("output 'x.bin' was already written for item 'a/x.wav'*");
        File.Exists(Path.Combine(directory.Path, "x.bin")).Should().BeFalse();
    }

    [Fact]
    public void Publish_SameNameForTwoItems_SecondFailsNamingTheFirst()
    {
        using var directory = new TemporaryDirectory();
        var run = new RunContext(1, directory.Path, new SharedResources());
        OutputNaming.Publish(run, new OutputPath("."), "{stem}", ".bin", Item("a/x.wav"), [1]);
        OutputNaming.Publish(run, new OutputPath("."), "{stem}", ".bin", Item("a/x.wav"), [2]);

        FluentActions.Invoking(() => OutputNaming.Publish(run, new OutputPath("."), "{stem}", ".bin", Item("b/x.wav"), [3]))
            .Should().Throw<SpectroFlowException>().WithMessage("output 'x.bin' was already written for item 'a/x.wav'*");
        File.ReadAllBytes(Path.Combine(directory.Path, "x.bin")).Should().Equal(2);
        OutputNaming.Publish(run, new OutputPath("."), "{source_dir}_{stem}", ".bin", Item("b/x.wav"), [3]).RelativePath.Should().Be("b_x.bin");
    }

    [Fact]
    public void Publish_WriterFailure_LeavesNoFileAndNamesItem()
    {
        using var directory = new TemporaryDirectory();
        var run = new RunContext(1, directory.Path, new SharedResources());

        FluentActions.Invoking(() => OutputNaming.Publish(run, new OutputPath("."), "{stem}", ".png", Item("y.png"),
                path => AtomicFile.Write(path, _ => throw new IOException("disk full"))))
            .Should().Throw<SpectroFlowException>().WithMessage("cannot write 'y.png': *disk full*");
        Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }
}
