using System.Xml.Linq;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>The dependency direction of docs/csharp-style.md §3, read from the project files themselves.</summary>
public class ArchitectureTests
{
    private static readonly string s_source = Path.Combine(Path.GetDirectoryName(Fixtures.Root)!, "..", "src");

    public static TheoryData<string, string[], string[]> Rules => new()
    {
        // project, allowed project references, forbidden package references
        { "SpectroFlow.Core", [], ["*"] },
        { "SpectroFlow.Audio", ["SpectroFlow.Core"], ["SixLabors.ImageSharp", "Microsoft.ML.OnnxRuntime.Gpu", "YamlDotNet"] },
        { "SpectroFlow.Imaging", ["SpectroFlow.Core"], ["NAudio.Core", "Microsoft.ML.OnnxRuntime.Gpu", "YamlDotNet"] },
        { "SpectroFlow.Diffusion", ["SpectroFlow.Core"], ["NAudio.Core", "SkiaSharp", "SixLabors.ImageSharp", "YamlDotNet"] },
        { "SpectroFlow.Datasets", ["SpectroFlow.Core"], ["NAudio.Core", "SkiaSharp", "SixLabors.ImageSharp", "Microsoft.ML.OnnxRuntime.Gpu", "YamlDotNet"] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Project_ReferencesOnlyWhatTheLayoutAllows(string project, string[] allowedProjects, string[] forbiddenPackages)
    {
        XDocument document = XDocument.Load(Path.Combine(s_source, project, project + ".csproj"));

        string[] projects = [.. document.Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))];
        string[] packages = [.. document.Descendants("PackageReference").Select(e => e.Attribute("Include")!.Value)];

        projects.Should().BeSubsetOf(allowedProjects);
        if (forbiddenPackages is ["*"])
        {
            packages.Should().BeEmpty($"{project} must not use third-party packages");
        }
        else
        {
            packages.Should().NotIntersectWith(forbiddenPackages);
        }
    }

    [Fact]
    public void Cli_IsTheOnlyProjectReferencingBothAudioAndImaging()
    {
        foreach (string csproj in Directory.GetFiles(s_source, "*.csproj", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(csproj);
            bool both = text.Contains("SpectroFlow.Audio.csproj", StringComparison.Ordinal) && text.Contains("SpectroFlow.Imaging.csproj", StringComparison.Ordinal);
            if (both)
            {
                Path.GetFileName(csproj).Should().Be("SpectroFlow.Cli.csproj");
            }
        }
    }
}
