using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

public sealed class FileSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("spectroflow-file-").FullName;

    public FileSourceTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "music"));
        File.WriteAllText(Path.Combine(_root, "music", "a.wav"), "a");
    }

    [Fact]
    public async Task RunAsync_FileInput_EmitsOneItemKeyedByTheFileName()
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: song
                use: file
                path: music/a.wav
            steps: []
            outputs:
              keep: [song]
            """, "r.yaml", _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        WorkItem item = report.Outputs["song"].Should().ContainSingle().Subject;
        item.Key.Should().Be("a.wav");
        item.Payload.Should().Be(new SourceFile(Path.Combine(_root, "music", "a.wav"), "a.wav"));
        item.Metadata[WorkItem.Keys.SourcePath].Should().Be(Path.Combine(_root, "music", "a.wav"));
    }

    [Fact]
    public void LoadText_MissingFile_IsAnErrorAtThePathOption()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: song\n    use: file\n    path: nope.wav\nsteps: []\n", "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            $"r.yaml:4:11: option 'path' of step 'song' names a path that does not exist: {Path.Combine(_root, "nope.wav")}");
    }

    [Theory]
    [InlineData(false, "input file not found: ")]
    [InlineData(true, "input is a folder, not a file: ")]
    public async Task RunAsync_FileGoneOrAFolder_IsOneErrorRecordNamingIt(bool folder, string reason)
    {
        string path = Path.Combine(_root, "x.wav");
        File.WriteAllText(path, "x");
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: song\n    use: file\n    path: x.wav\nsteps: []\n", "r.yaml", _root);
        File.Delete(path);
        if (folder)
        {
            Directory.CreateDirectory(path);
        }

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Errors.Should().ContainSingle().Which.ToString().Should().Be($"song: {reason}{path}");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
