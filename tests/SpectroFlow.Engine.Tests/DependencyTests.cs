using System.Xml.Linq;

namespace SpectroFlow.Engine.Tests;

public sealed class DependencyTests
{
    [Fact]
    public void EngineProject_References_OnlyCoreYamlDotNetAndDataflow()
    {
        XDocument project = XDocument.Load(Path.Combine(RepoRoot(), "src", "SpectroFlow.Engine", "SpectroFlow.Engine.csproj"));

        project.Descendants("ProjectReference").Select(e => Path.GetFileName(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .Should().Equal("SpectroFlow.Core.csproj");
        project.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value)
            .Should().BeEquivalentTo("YamlDotNet", "System.Threading.Tasks.Dataflow");
    }

    [Fact]
    public void CoreProject_References_NoPackages()
    {
        XDocument project = XDocument.Load(Path.Combine(RepoRoot(), "src", "SpectroFlow.Core", "SpectroFlow.Core.csproj"));

        project.Descendants("PackageReference").Should().BeEmpty();
        project.Descendants("ProjectReference").Should().BeEmpty();
    }

    private static string RepoRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder is not null && !File.Exists(Path.Combine(folder, "SpectroFlow.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        return folder ?? throw new InvalidOperationException("SpectroFlow.sln not found above the test binaries.");
    }
}
