using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Blocks;

namespace SpectroFlow.Diffusion.Tests.Blocks;

/// <summary>Prompt templates over item metadata, and the prompts input's keys.</summary>
public class PromptTemplateTests
{
    private static readonly Dictionary<string, object> s_metadata = new(StringComparer.Ordinal)
    {
        ["genre"] = "house",
        ["bpm"] = 123.6,
        ["instruments"] = new[] { "bass", "drums" },
        ["clip_index"] = 3L,
    };

    [Theory]
    [InlineData("{genre}, {bpm:0} bpm", "house, 124 bpm")]
    [InlineData("{instruments} in {genre}", "bass, drums in house")]
    [InlineData("clip {clip_index:00}", "clip 03")]
    [InlineData("{{literal}} {genre}", "{literal} house")]
    [InlineData("no placeholders", "no placeholders")]
    public void Fill_UsesMetadata_WithInvariantFormats(string template, string expected)
    {
        PromptTemplate.Fill(template, s_metadata).Should().Be(expected);
    }

    [Fact]
    public void Fill_MissingKey_FailsNamingIt()
    {
        Action fill = () => PromptTemplate.Fill("{mood} music", s_metadata);

        fill.Should().Throw<SpectroFlowException>().WithMessage("*'{mood}'*no metadata*");
    }

    [Theory]
    [InlineData("{genre")]
    [InlineData("a {} b")]
    [InlineData("lone } brace")]
    public void Check_Malformed_SaysWhy(string template)
    {
        PromptTemplate.Check(template).Should().NotBeNull();
    }

    [Fact]
    public void Check_WellFormed_IsNull()
    {
        PromptTemplate.Check("{genre}, {bpm:0} bpm {{x}}").Should().BeNull();
    }

    [Theory]
    [InlineData("lofi hip hop beat, 90 bpm", "lofi-hip-hop-beat-90-bpm")]
    [InlineData("  Église — café!! ", "église-café")]
    [InlineData("!!!", "prompt")]
    public void Slug_KeepsLettersAndDigits(string prompt, string slug)
    {
        PromptsSource.Slug(prompt).Should().Be(slug);
    }

    [Fact]
    public void Slug_IsAtMostSixtyCharacters()
    {
        PromptsSource.Slug(string.Join(' ', Enumerable.Repeat("guitar", 30))).Length.Should().BeLessThanOrEqualTo(60);
    }
}
