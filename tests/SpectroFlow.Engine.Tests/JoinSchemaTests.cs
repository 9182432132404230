using System.Text.Json;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Tests;

/// <summary>The recipe schema describes the joining keys of pair and group blocks.</summary>
public sealed class JoinSchemaTests
{
    [Fact]
    public void Schema_PairBlock_HasPortsPairingOneAndGroup_GroupBlockHasGroup()
    {
        using var schema = JsonDocument.Parse(RecipeSchema.Generate(ToyRegistry.Create()));
        JsonElement steps = schema.RootElement.GetProperty("properties").GetProperty("steps").GetProperty("items").GetProperty("oneOf");

        JsonElement Properties(string block) =>
            steps.EnumerateArray().Single(s => s.GetProperty("title").GetString() == block).GetProperty("properties");

        JsonElement mask = Properties("mask");
        mask.GetProperty("inputs").GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("image", "mask");
        mask.GetProperty("pairing").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Should().Equal("by-key", "zip", "each-with-one", "window");
        mask.GetProperty("one").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Should().Equal("image", "mask");
        Properties("join").GetProperty("group").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Should().Equal("source", "all");
        Properties("join").TryGetProperty("inputs", out _).Should().BeFalse();
        Properties("add").TryGetProperty("group", out _).Should().BeFalse();
    }
}
