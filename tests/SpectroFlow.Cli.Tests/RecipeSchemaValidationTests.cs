using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using SpectroFlow.Engine.Registry;
using SpectroFlow.TestKit;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// The generated schema, checked by a real JSON Schema validator (JsonSchema.Net) as an editor would: every bundled
/// recipe and fragment is valid, a wrong type is not. YAML is read with the YAML 1.2 core schema, as language servers do.
/// </summary>
public sealed partial class RecipeSchemaValidationTests
{
    private static readonly string s_recipes = Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", "recipes"));

    private static readonly Lazy<JsonSchema> s_schema = new(() => JsonSchema.FromText(RecipeSchema.Generate(BlockCatalog.Create())));

    public static TheoryData<string> RecipeFiles =>
        [.. Directory.GetFiles(s_recipes, "*.yaml", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(s_recipes, p)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(RecipeFiles))]
    public void BundledRecipeOrFragment_IsValidAgainstTheSchema(string file)
    {
        EvaluationResults result = Evaluate(File.ReadAllText(Path.Combine(s_recipes, file)));

        result.IsValid.Should().BeTrue(Describe(result));
    }

    [Fact]
    public void RecipeFiles_IncludeTheCommonFragments() =>
        Directory.GetFiles(Path.Combine(s_recipes, "common"), "*.yaml").Should().NotBeEmpty("fragments are checked too");

    [Theory]
    [InlineData("clip_ms: ${params.clip_ms}", "clip_ms: lots")]
    [InlineData("clip_ms: ${params.clip_ms}", "clip_ms: 0")]
    [InlineData("last: drop", "last: sometimes")]
    [InlineData("stereo: ${params.stereo}", "stereo: 12")]
    [InlineData("stereo: ${params.stereo}", "stereo: maybe")]
    [InlineData("use: mel", "use: mle")]
    [InlineData("folder: images", "folder: /abs")]
    public void WrongValue_IsRejected(string good, string bad)
    {
        string recipe = File.ReadAllText(Path.Combine(s_recipes, "dataset-from-folder.yaml"));
        recipe.Should().Contain(good);

        Evaluate(recipe).IsValid.Should().BeTrue();
        Evaluate(recipe.Replace(good, bad, StringComparison.Ordinal)).IsValid.Should().BeFalse();
    }

    [Theory]
    [InlineData("seed: 3", true)]
    [InlineData("seed: ${SEED:-3}", true)]
    [InlineData("seed: three", false)]
    [InlineData("steps:\n  - id: a\n    use: mel\n    parallelism: ${params.p}", true)]
    [InlineData("steps:\n  - id: a\n    use: mel\n    parallelism: many", false)]
    [InlineData("steps:\n  - id: a\n    use: mel\n    n_mels: 4.5", false)]
    [InlineData("steps:\n  - id: a\n    use: mel\n    power: 0.5", true)]
    [InlineData("outputs:\n  keep: mel", true)]
    [InlineData("inputs:\n  - id: a\n    folder: x\n    limit: ${params.n}", true)]
    public void Fragment(string yaml, bool valid) => Evaluate(yaml).IsValid.Should().Be(valid);

    private static EvaluationResults Evaluate(string yaml) =>
        s_schema.Value.Evaluate(JsonSerializer.SerializeToElement(ToJson(yaml)), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}"));

    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents[0].RootNode);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    /// <summary>A plain scalar typed by the YAML 1.2 core schema (null, bool, int, float), anything else a string.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (CoreInteger().IsMatch(text))
        {
            return JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture));
        }

        return CoreFloat().IsMatch(text) ? JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)) : JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex CoreInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex CoreFloat();
}
