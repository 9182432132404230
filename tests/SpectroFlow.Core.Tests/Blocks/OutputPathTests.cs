using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Core.Tests.Blocks;

public sealed class OutputPathTests
{
    [Theory]
    [InlineData("images/a.png", null)]
    [InlineData("a/../b.png", null)]
    [InlineData("./a.png", null)]
    [InlineData("", "is empty")]
    [InlineData("/etc/passwd", "must be relative to the output root")]
    [InlineData("~/x", "must be relative to the output root")]
    [InlineData("C:/x", "must be relative to the output root")]
    [InlineData("..", "escapes the output root")]
    [InlineData("a/../../b", "escapes the output root")]
    [InlineData("a\\..\\..\\b", "escapes the output root")]
    public void Check_Path_ReturnsReasonOrNull(string path, string? expected)
    {
        OutputPath.Check(path).Should().Be(expected);
    }

    [Fact]
    public void Resolve_Relative_CombinesWithRoot()
    {
        new OutputPath("images/a.png").Resolve("/out").Should().Be(Path.GetFullPath("/out/images/a.png"));
    }
}
