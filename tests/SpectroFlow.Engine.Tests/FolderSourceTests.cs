using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;
using SpectroFlow.Engine.Sources;

namespace SpectroFlow.Engine.Tests;

public sealed class FolderSourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"spectroflow-folder-{Guid.NewGuid():N}");

    public FolderSourceTests()
    {
        foreach (string file in new[] { "b.wav", "a.wav", "notes.txt", "sub/c.flac", "sub/deep/d.wav" })
        {
            string path = Path.Combine(_root, "music", file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    [Theory]
    [InlineData("*.wav", "a.wav", true)]
    [InlineData("*.wav", "sub/a.wav", false)]
    [InlineData("**/*.wav", "a.wav", true)]
    [InlineData("**/*.wav", "sub/deep/a.wav", true)]
    [InlineData("**/*.{wav,flac}", "sub/c.flac", true)]
    [InlineData("sub/?.flac", "sub/c.flac", true)]
    [InlineData("sub/?.flac", "sub/cc.flac", false)]
    [InlineData("a.wav", "a.WAV", false)]
    [InlineData("a+b.wav", "a+b.wav", true)]
    public void IsMatch_Pattern_MatchesExpectedPaths(string pattern, string path, bool expected)
    {
        new Glob(pattern).IsMatch(path).Should().Be(expected);
    }

    [Fact]
    public async Task RunAsync_FolderInput_EmitsMatchingFilesInSortedOrder()
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: songs
                folder: music
                glob: ["**/*.{wav,flac}"]
            steps: []
            outputs:
              keep: [songs]
            """, "r.yaml", _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Outputs["songs"].Select(i => i.Key).Should().Equal("a.wav", "b.wav", "sub/c.flac", "sub/deep/d.wav");
        WorkItem first = report.Outputs["songs"][0];
        first.Ordinal.Should().Be(0);
        first.Payload.Should().Be(new SourceFile(Path.Combine(_root, "music", "a.wav"), "a.wav"));
        first.Metadata[WorkItem.Keys.SourcePath].Should().Be(Path.Combine(_root, "music", "a.wav"));
    }

    [Fact]
    public async Task RunAsync_Tags_AreMetadataOfEveryItem()
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: songs
                folder: music
                glob: ["*.wav"]
                tags: [lofi, " piano"]
            steps: []
            outputs:
              keep: [songs]
            """, "r.yaml", _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Outputs["songs"].Select(i => i.Metadata[WorkItem.Keys.Tags]).Should().Equal("lofi, piano", "lofi, piano");
    }

    [Fact]
    public void LoadText_TagWithComma_IsReported()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: songs
                folder: music
                tags: ["a,b"]
            steps: []
            """, "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:4:5: option 'tags' of step 'songs' must be non-empty words without commas");
    }

    [Fact]
    public void LoadText_FolderWithoutFolderOption_IsReported()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: songs
            steps:
              - id: x
                use: add
            """, "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:2:5: step 'songs' (folder) needs option 'folder'",
            "r.yaml:4:5: step 'x' (add) takes Int32 but 'songs' (folder) produces SourceFile");
    }

    [Fact]
    public void LoadText_MissingFolder_IsAnErrorAtTheFolderOption()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: songs\n    folder: nowhere\nsteps:\n  - id: t\n    use: file-text\n", "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            $"r.yaml:3:13: option 'folder' of step 'songs' names a folder that does not exist: {Path.Combine(_root, "nowhere")}");
    }

    [Fact]
    public void LoadText_FolderIsAFile_IsAnErrorAtTheFolderOption()
    {
        File.WriteAllText(Path.Combine(_root, "file.txt"), "x");

        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: songs\n    folder: file.txt\nsteps:\n  - id: t\n    use: file-text\n", "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            $"r.yaml:3:13: option 'folder' of step 'songs' names a file, not a folder: {Path.Combine(_root, "file.txt")}");
    }

    [Fact]
    public async Task RunAsync_FolderRemovedAfterLoading_IsAnErrorRecordWithoutTypeNames()
    {
        Directory.CreateDirectory(Path.Combine(_root, "gone"));
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: songs
                folder: gone
            steps: []
            """, "r.yaml", _root);
        Directory.Delete(Path.Combine(_root, "gone"));

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Errors.Should().ContainSingle().Which.ToString().Should().Be($"songs: input folder not found: {Path.Combine(_root, "gone")}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
