using System.Text;
using System.Text.Json;

namespace SpectroFlow.Engine.Registry;

/// <summary>
/// Generates a JSON Schema (draft 2020-12) for recipes from the registry, for editors (YAML language servers) and CI.
/// Each step is one of the registered blocks, selected by its <c>use</c> constant, with its options' types and ranges.
/// </summary>
public static class RecipeSchema
{
    /// <summary>What a value written as <c>${...}</c> (interpolated when the recipe loads) must contain.</summary>
    private const string InterpolationPattern = "\\$\\{";

    /// <summary>The schema as indented JSON.</summary>
    public static string Generate(BlockRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "https://json-schema.org/draft/2020-12/schema");
            json.WriteString("$id", "https://spectroflow.dev/schemas/recipe.json");
            json.WriteString("title", "SpectroFlow recipe");
            json.WriteString("type", "object");
            json.WriteBoolean("additionalProperties", false);
            json.WriteStartObject("properties");

            // No key is required: a file may hold only shared parts for others to include (the loader checks that the
            // merged recipe has steps).
            json.WriteStartObject("include");
            json.WriteString("description", "Recipe files merged into this one (relative to this file's folder): params, inputs, steps and outputs.");
            json.WriteStartArray("oneOf");
            json.WriteStartObject();
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteStartObject();
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteStartObject("description");
            json.WriteString("type", "string");
            json.WriteEndObject();

            json.WriteStartObject("seed");
            json.WriteStartArray("anyOf");
            json.WriteStartObject();
            json.WriteString("type", "integer");
            json.WriteNumber("minimum", 0);
            json.WriteEndObject();
            WriteInterpolated(json);
            json.WriteEndArray();
            json.WriteString("description", "Recipe seed; each item's seed is derived from it and the item's key.");
            json.WriteEndObject();

            json.WriteStartObject("report");
            json.WriteStartArray("anyOf");
            json.WriteStartObject();
            json.WriteString("type", "boolean");
            json.WriteEndObject();
            WriteInterpolated(json);
            json.WriteEndArray();
            json.WriteString("description", "Also write report.html (thumbnails, players, parameters, tempo, errors) in the output root; does not change the recipe hash.");
            json.WriteEndObject();

            json.WriteStartObject("params");
            json.WriteString("type", "object");
            json.WriteString("description", "Named values used as ${params.name}; override with --set name=value.");
            json.WriteStartObject("additionalProperties");
            json.WriteStartArray("type");
            foreach (string t in new[] { "string", "number", "integer", "boolean" })
            {
                json.WriteStringValue(t);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            WriteStepList(json, "inputs", registry.All.Where(b => b.Shape == BlockShape.Source), isSource: true);
            WriteStepList(json, "steps", registry.All.Where(b => b.Shape != BlockShape.Source), isSource: false);

            json.WriteStartObject("outputs");
            json.WriteString("type", "object");
            json.WriteBoolean("additionalProperties", false);
            json.WriteStartObject("properties");
            json.WriteStartObject("root");
            json.WriteString("type", "string");
            json.WriteString("description", "Folder all outputs go under (relative to the recipe).");
            json.WriteEndObject();
            json.WriteStartObject("keep");
            json.WriteStartArray("type");
            json.WriteStringValue("string");
            json.WriteStringValue("array");
            json.WriteEndArray();
            json.WriteStartObject("items");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteStepList(Utf8JsonWriter json, string name, IEnumerable<BlockDescriptor> blocks, bool isSource)
    {
        json.WriteStartObject(name);
        json.WriteString("type", "array");
        json.WriteStartObject("items");
        json.WriteStartArray("oneOf");
        foreach (BlockDescriptor block in blocks)
        {
            json.WriteStartObject();
            json.WriteString("title", block.Name);
            json.WriteString("description", block.Description);
            json.WriteString("type", "object");
            json.WriteBoolean("additionalProperties", false);
            json.WriteStartArray("required");
            json.WriteStringValue("id");
            if (!isSource)
            {
                json.WriteStringValue("use");
            }

            foreach (OptionProperty option in block.Options.Where(o => o.Required))
            {
                json.WriteStringValue(option.Key);
            }

            json.WriteEndArray();
            json.WriteStartObject("properties");
            json.WriteStartObject("id");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteStartObject("use");
            json.WriteString("const", block.Name);
            json.WriteEndObject();
            if (!isSource)
            {
                json.WriteStartObject("from");
                json.WriteStartArray("type");
                json.WriteStringValue("string");
                json.WriteStringValue("array");
                json.WriteEndArray();
                json.WriteString("description", $"Upstream step ids (default: the previous step). Accepts {block.InputType?.Name}.");
                json.WriteEndObject();
                WriteCount(json, "parallelism", 256);
                WriteCount(json, "capacity", 100_000);
                WriteCombining(json, block);
            }

            foreach (OptionProperty option in block.Options)
            {
                WriteOption(json, option);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary><c>inputs</c>, <c>pairing</c> and <c>one</c> for pair blocks, <c>group</c> for pair and group blocks.</summary>
    private static void WriteCombining(Utf8JsonWriter json, BlockDescriptor block)
    {
        if (block.Shape == BlockShape.Pair)
        {
            json.WriteStartObject("inputs");
            json.WriteString("type", "object");
            json.WriteString("description", $"The step feeding each port: {string.Join(", ", block.Ports.Select(p => $"{p.Name} ({p.Type.Name})"))}.");
            json.WriteBoolean("additionalProperties", false);
            json.WriteStartObject("properties");
            foreach (BlockPort port in block.Ports)
            {
                json.WriteStartObject(port.Name);
                json.WriteString("type", "string");
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("pairing");
            json.WriteStartArray("enum");
            foreach (Recipes.Pairing pairing in Enum.GetValues<Recipes.Pairing>().Where(p => p != Recipes.Pairing.None))
            {
                json.WriteStringValue(Recipes.PairingNames.ToRecipeName(pairing));
            }

            json.WriteEndArray();
            json.WriteString("description", "by-key (default with inputs), zip, each-with-one (with one:), window (default with from:).");
            json.WriteEndObject();
            json.WriteStartObject("one");
            json.WriteStartArray("enum");
            foreach (BlockPort port in block.Ports)
            {
                json.WriteStringValue(port.Name);
            }

            json.WriteEndArray();
            json.WriteString("description", "pairing: each-with-one: the port whose single item pairs with every item of the other.");
            json.WriteEndObject();
        }

        if (block.Shape is BlockShape.Pair or BlockShape.Group)
        {
            json.WriteStartObject("group");
            json.WriteStartArray("enum");
            json.WriteStringValue("source");
            json.WriteStringValue("all");
            json.WriteEndArray();
            json.WriteString("description", "source (default): the items of each source item; all: every item of the step, in natural order.");
            json.WriteEndObject();
        }
    }

    private static void WriteCount(Utf8JsonWriter json, string name, int maximum)
    {
        json.WriteStartObject(name);
        json.WriteStartArray("anyOf");
        json.WriteStartObject();
        json.WriteString("type", "integer");
        json.WriteNumber("minimum", 1);
        json.WriteNumber("maximum", maximum);
        json.WriteEndObject();
        WriteInterpolated(json);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOption(Utf8JsonWriter json, OptionProperty option)
    {
        json.WriteStartObject(option.Key);
        switch (option.Kind)
        {
            case OptionKind.WholeNumber:
            case OptionKind.Number:
                // A number option may also be written as ${...}: the loader interpolates before it converts.
                json.WriteStartArray("anyOf");
                json.WriteStartObject();
                json.WriteString("type", option.Kind == OptionKind.WholeNumber ? "integer" : "number");
                if (option.Minimum is { } min)
                {
                    json.WriteNumber("minimum", min);
                }
                else if (option.ValueType == typeof(ulong))
                {
                    json.WriteNumber("minimum", 0);
                }

                if (option.Maximum is { } max)
                {
                    json.WriteNumber("maximum", max);
                }

                json.WriteEndObject();
                WriteInterpolated(json);
                json.WriteEndArray();
                break;
            case OptionKind.Boolean:
                json.WriteStartArray("anyOf");
                json.WriteStartObject();
                json.WriteString("type", "boolean");
                json.WriteEndObject();
                WriteInterpolated(json);
                json.WriteEndArray();
                break;
            case OptionKind.Enum:
                json.WriteStartArray("anyOf");
                json.WriteStartObject();
                json.WriteStartArray("enum");
                foreach (string value in option.EnumValues)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                WriteInterpolated(json);
                json.WriteEndArray();
                break;
            case OptionKind.StringList:
            case OptionKind.InputPathList:
                json.WriteStartArray("type");
                json.WriteStringValue("string");
                json.WriteStringValue("array");
                json.WriteEndArray();
                json.WriteStartObject("items");
                json.WriteString("type", "string");
                json.WriteEndObject();
                break;
            case OptionKind.OutputPath:
                json.WriteString("type", "string");
                json.WriteString("pattern", "^(?![/\\\\~])(?![A-Za-z]:)(?!\\.\\.(/|$))");
                break;
            default:
                json.WriteString("type", "string");
                break;
        }

        if (option.Description is { } description)
        {
            json.WriteString("description", description);
        }

        json.WriteEndObject();
    }

    /// <summary>The <c>${...}</c> form (a parameter or environment variable) that any scalar option accepts.</summary>
    private static void WriteInterpolated(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("type", "string");
        json.WriteString("pattern", InterpolationPattern);
        json.WriteString("description", "${params.name}, ${VAR} or ${VAR:-default}, checked when the recipe loads");
        json.WriteEndObject();
    }
}
