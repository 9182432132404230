using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

public sealed class FilesSourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"spectroflow-files-{Guid.NewGuid():N}");

    public FilesSourceTests()
    {
        foreach (string file in new[] { "clip_10.png", "clip_2.png", "Clip_1.png", "other/x.png" })
        {
            string path = Path.Combine(_root, "parts", file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task RunAsync_FolderInput_ListsFilesInNaturalOrder()
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: parts
                folder: parts
                glob: ["*.png"]
            steps: []
            outputs:
              keep: [parts]
            """, "r.yaml", _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Outputs["parts"].OrderBy(i => i.Ordinal).Select(i => i.Key).Should().Equal("Clip_1.png", "clip_2.png", "clip_10.png");
    }

    [Fact]
    public async Task RunAsync_FilesInput_EmitsThePathsInRecipeOrder()
    {
        RunPlan plan = new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: parts
                use: files
                paths: [parts/clip_10.png, parts/other/x.png, parts/clip_2.png]
            steps: []
            outputs:
              keep: [parts]
            """, "r.yaml", _root);

        RunReport report = await new RecipeRunner().RunAsync(plan);

        report.Outputs["parts"].OrderBy(i => i.Ordinal).Select(i => i.Key).Should().Equal("parts/clip_10.png", "parts/other/x.png", "parts/clip_2.png");
        WorkItem first = report.Outputs["parts"].Single(i => i.Ordinal == 0);
        first.Payload.Should().Be(new SourceFile(Path.Combine(_root, "parts", "clip_10.png"), "parts/clip_10.png"));
        first.Metadata[WorkItem.Keys.SourcePath].Should().Be(Path.Combine(_root, "parts", "clip_10.png"));
    }

    [Fact]
    public void LoadText_MissingFileAndFolder_AreErrorsAtTheirEntries()
    {
        Action load = () => new RecipeLoader(ToyRegistry.Create()).LoadText("""
            inputs:
              - id: parts
                use: files
                paths:
                  - parts/clip_2.png
                  - parts/clip_3.png
                  - parts/other
            steps: []
            """, "r.yaml", _root);

        load.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            $"r.yaml:6:9: option 'paths' of step 'parts' names a file that does not exist: {Path.Combine(_root, "parts", "clip_3.png")}",
            $"r.yaml:7:9: option 'paths' of step 'parts' names a folder, not a file: {Path.Combine(_root, "parts", "other")}");
    }

    [Fact]
    public void LoadText_EmptyOrRepeatedPaths_AreReported()
    {
        Action empty = () => new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: parts\n    use: files\n    paths: []\nsteps: []\n", "r.yaml", _root);
        Action twice = () => new RecipeLoader(ToyRegistry.Create()).LoadText("inputs:\n  - id: parts\n    use: files\n    paths: [parts/clip_2.png, ./parts/clip_2.png]\nsteps: []\n", "r.yaml", _root);

        empty.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:4:5: option 'paths' of step 'parts' must list at least one file");
        twice.Should().Throw<Core.Errors.RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:4:5: option 'paths' of step 'parts' lists 'parts/clip_2.png' twice (each file is one item, keyed by its path)");
    }
}
