using System.Text.Json;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Tests;

public sealed class RecipeSchemaTests
{
    [Fact]
    public void Generate_Registry_DescribesEveryBlockWithOptionTypesAndRanges()
    {
        string schema = RecipeSchema.Generate(ToyRegistry.Create());

        using JsonDocument document = JsonDocument.Parse(schema);
        JsonElement root = document.RootElement;
        root.GetProperty("$schema").GetString().Should().Be("https://json-schema.org/draft/2020-12/schema");
        JsonElement steps = root.GetProperty("properties").GetProperty("steps").GetProperty("items").GetProperty("oneOf");
        steps.EnumerateArray().Select(s => s.GetProperty("title").GetString()).Should().Contain(["add", "to-text", "split", "pair", "write"]).And.NotContain("count");
        JsonElement add = steps.EnumerateArray().Single(s => s.GetProperty("title").GetString() == "add");
        add.GetProperty("properties").GetProperty("use").GetProperty("const").GetString().Should().Be("add");
        JsonElement amount = add.GetProperty("properties").GetProperty("amount").GetProperty("anyOf")[0];
        amount.GetProperty("type").GetString().Should().Be("integer");
        amount.GetProperty("minimum").GetDouble().Should().Be(-1000);
        amount.GetProperty("maximum").GetDouble().Should().Be(1000);
        add.GetProperty("properties").GetProperty("mode").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("add", "multiply-then-add");
        add.GetProperty("additionalProperties").GetBoolean().Should().BeFalse();
        JsonElement write = steps.EnumerateArray().Single(s => s.GetProperty("title").GetString() == "write");
        write.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Should().Equal("id", "use", "path");
        JsonElement inputs = root.GetProperty("properties").GetProperty("inputs").GetProperty("items").GetProperty("oneOf");
        inputs.EnumerateArray().Select(s => s.GetProperty("title").GetString()).Should().Equal("count", "file", "files", "folder");
    }

    [Theory]
    [InlineData("amount")]
    [InlineData("scale")]
    [InlineData("mode")]
    [InlineData("slow")]
    [InlineData("parallelism")]
    public void Generate_ScalarOption_AlsoAcceptsTheInterpolatedForm(string option)
    {
        using JsonDocument document = JsonDocument.Parse(RecipeSchema.Generate(ToyRegistry.Create()));

        JsonElement add = document.RootElement.GetProperty("properties").GetProperty("steps").GetProperty("items").GetProperty("oneOf")
            .EnumerateArray().Single(s => s.GetProperty("title").GetString() == "add");
        JsonElement interpolated = add.GetProperty("properties").GetProperty(option).GetProperty("anyOf")[1];
        interpolated.GetProperty("type").GetString().Should().Be("string");
        interpolated.GetProperty("pattern").GetString().Should().Be(@"\$\{");
    }

    [Fact]
    public void Generate_TopLevel_AllowsIncludeAsPathOrListAndRequiresNoKey()
    {
        using JsonDocument document = JsonDocument.Parse(RecipeSchema.Generate(ToyRegistry.Create()));

        JsonElement root = document.RootElement;
        root.TryGetProperty("required", out _).Should().BeFalse("a file may hold only parts for other recipes to include");
        JsonElement include = root.GetProperty("properties").GetProperty("include");
        include.GetProperty("oneOf").EnumerateArray().Select(o => o.GetProperty("type").GetString()).Should().Equal("string", "array");
        include.GetProperty("oneOf")[1].GetProperty("items").GetProperty("type").GetString().Should().Be("string");
    }

    [Fact]
    public void Add_NameNotKebabCase_Throws()
    {
        Action add = () => new BlockRegistry().Add("MelSpectrogram", (Core.Blocks.NoOptions _, Core.Blocks.BlockServices _) => new ToTextBlock(), "x");

        add.Should().Throw<ArgumentException>().WithMessage("*kebab-case*");
    }

    [Fact]
    public void Add_SameNameTwice_Throws()
    {
        Action add = () => ToyRegistry.Create().Add("add", (Core.Blocks.NoOptions _, Core.Blocks.BlockServices _) => new ToTextBlock(), "x");

        add.Should().Throw<ArgumentException>().WithMessage("*registered twice*");
    }
}
