using System.Text.RegularExpressions;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SpectroFlow.Engine.Recipes;

/// <summary>
/// Reads a recipe's YAML safely: size limit, then a pass over the parser's events that rejects deep nesting, alias
/// bombs, huge scalars, custom tags, duplicate keys and multiple documents, and only then builds the node tree (whose
/// nodes keep their line and column).
/// </summary>
internal static partial class SafeYamlReader
{
    private static readonly HashSet<string> s_coreTags = new(
        new[] { "str", "int", "float", "bool", "null", "seq", "map" }.Select(t => "tag:yaml.org,2002:" + t),
        StringComparer.Ordinal);

    /// <summary>
    /// Reads and checks <paramref name="path"/>; the root node is returned (a mapping, checked by the caller).
    /// <paramref name="budget"/> carries the limits already used by the files read before it (includes).
    /// </summary>
    public static YamlNode ReadFile(string path, string displayName, RecipeLoadSettings settings, YamlBudget? budget = null)
    {
        budget ??= new YamlBudget();
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new RecipeException($"{displayName}: recipe file not found");
        }

        CheckSize(info.Length, "bytes", displayName, settings, budget);
        return ReadText(File.ReadAllText(path), displayName, settings, budget);
    }

    /// <summary>Checks and parses recipe text, counting it against <paramref name="budget"/>.</summary>
    public static YamlNode ReadText(string text, string displayName, RecipeLoadSettings settings, YamlBudget? budget = null)
    {
        budget ??= new YamlBudget();
        CheckSize(text.Length, "characters", displayName, settings, budget);
        var errors = new List<ValidationError>();
        try
        {
            Prescan(text, displayName, settings, budget, errors);
        }
        catch (YamlException ex)
        {
            errors.Add(new ValidationError(CleanMessage(ex), Location(displayName, ex.Start)));
        }

        if (errors.Count > 0)
        {
            throw new RecipeException(errors);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(new StringReader(text)));
        }
        catch (YamlException ex)
        {
            throw new RecipeException([new ValidationError(CleanMessage(ex), Location(displayName, ex.Start))]);
        }

        if (stream.Documents.Count == 0)
        {
            throw new RecipeException($"{displayName}: recipe is empty");
        }

        budget.Size += text.Length;
        budget.Files++;
        return stream.Documents[0].RootNode;
    }

    public static SourceLocation Location(string file, Mark mark) => new(file, mark.Line, mark.Column);

    private static void CheckSize(long size, string unit, string displayName, RecipeLoadSettings settings, YamlBudget budget)
    {
        if (budget.Files == 0 && size > settings.MaxBytes)
        {
            throw new RecipeException($"{displayName}: recipe is {size} {unit}, more than the limit of {settings.MaxBytes}");
        }

        if (budget.Size + size > settings.MaxBytes)
        {
            throw new RecipeException($"{displayName}: the recipe and its includes are {budget.Size + size} {unit}, more than the limit of {settings.MaxBytes}");
        }
    }

    private static void Prescan(string text, string file, RecipeLoadSettings settings, YamlBudget budget, List<ValidationError> errors)
    {
        var parser = new Parser(new StringReader(text));
        SourceLocation last = new(file, 1, 1);
        try
        {
            PrescanEvents(parser, file, settings, budget, errors, ref last);
        }
        catch (Exception ex) when (ex is not YamlException and (InvalidOperationException or ArgumentException or FormatException))
        {
            // YamlDotNet's scanner throws these on some malformed input (e.g. an unclosed flow sequence).
            errors.Add(new ValidationError("invalid YAML after this point (an unclosed bracket, brace or quote?)", last));
        }
    }

    private static void PrescanEvents(Parser parser, string file, RecipeLoadSettings settings, YamlBudget budget, List<ValidationError> errors, ref SourceLocation last)
    {
        var frames = new Stack<Frame>();
        var anchorSizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = budget.Nodes;
        int aliases = budget.Aliases;
        int documents = 0;
        string aliasScope = budget.Files == 0 ? string.Empty : " in the recipe and its includes";
        while (parser.MoveNext())
        {
            ParsingEvent current = parser.Current!;
            SourceLocation at = Location(file, current.Start);
            last = at;
            switch (current)
            {
                case DocumentStart:
                    documents++;
                    if (documents > 1)
                    {
                        errors.Add(new ValidationError("a recipe holds one YAML document; found a second", at));
                        return;
                    }

                    break;
                case Scalar scalar:
                    total++;
                    if (!CheckTag(scalar, at, errors))
                    {
                        return;
                    }

                    if (scalar.Value.Length > settings.MaxScalarLength)
                    {
                        errors.Add(new ValidationError($"value is {scalar.Value.Length} characters long, more than the limit of {settings.MaxScalarLength}", at));
                        return;
                    }

                    if (IsMergeKey(frames, scalar))
                    {
                        errors.Add(new ValidationError("YAML merge keys ('<<') are not supported: write the keys out, or share parts with include:", at));
                        return;
                    }

                    OnNode(frames, scalar.Value, at, errors);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchorSizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case AnchorAlias alias:
                    aliases++;
                    if (aliases > settings.MaxAliases)
                    {
                        errors.Add(new ValidationError($"more than {settings.MaxAliases} aliases (*name){aliasScope}; recipes do not need many", at));
                        return;
                    }

                    total += anchorSizes.GetValueOrDefault(alias.Value.Value, 1);
                    OnNode(frames, null, at, errors);
                    break;
                case NodeEvent collection when collection is SequenceStart or MappingStart:
                    total++;
                    if (!CheckTag(collection, at, errors))
                    {
                        return;
                    }

                    OnNode(frames, null, at, errors);
                    frames.Push(new Frame(collection is MappingStart, collection.Anchor.IsEmpty ? null : collection.Anchor.Value, total));
                    if (frames.Count > settings.MaxDepth)
                    {
                        errors.Add(new ValidationError($"nesting deeper than {settings.MaxDepth} levels", at));
                        return;
                    }

                    break;
                case SequenceEnd or MappingEnd:
                    Frame frame = frames.Pop();
                    if (frame.Anchor is not null)
                    {
                        anchorSizes[frame.Anchor] = total - frame.StartTotal + 1;
                    }

                    break;
            }

            if (total > settings.MaxNodes)
            {
                string subject = budget.Files == 0 ? "recipe expands" : "the recipe and its includes expand";
                errors.Add(new ValidationError($"{subject} to more than {settings.MaxNodes} nodes once aliases are expanded", at));
                return;
            }
        }

        budget.Nodes = total;
        budget.Aliases = aliases;
    }

    private static bool CheckTag(NodeEvent node, SourceLocation at, List<ValidationError> errors)
    {
        if (node.Tag.IsEmpty || node.Tag.IsNonSpecific || s_coreTags.Contains(node.Tag.Value))
        {
            return true;
        }

        errors.Add(new ValidationError($"tag '{node.Tag.Value}' is not allowed in a recipe", at));
        return false;
    }

    /// <summary>
    /// A plain <c>&lt;&lt;</c> key: YAML 1.1's merge key, which the node tree would keep as an ordinary key (its keys
    /// silently not merged), so it is refused; a quoted <c>'&lt;&lt;'</c> is an ordinary key.
    /// </summary>
    private static bool IsMergeKey(Stack<Frame> frames, Scalar scalar) =>
        frames.Count > 0 && frames.Peek() is { IsMapping: true, ExpectKey: true } && scalar.Value == "<<" && scalar.Style == ScalarStyle.Plain;

    private static void OnNode(Stack<Frame> frames, string? scalarValue, SourceLocation at, List<ValidationError> errors)
    {
        if (frames.Count == 0 || !frames.Peek().IsMapping)
        {
            return;
        }

        Frame frame = frames.Peek();
        if (frame.ExpectKey && scalarValue is not null && !frame.Keys.Add(scalarValue))
        {
            errors.Add(new ValidationError($"duplicate key '{scalarValue}'", at));
        }

        frame.ExpectKey = !frame.ExpectKey;
    }

    private static string CleanMessage(YamlException ex) => PositionPrefix().Replace(ex.Message, string.Empty);

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex PositionPrefix();

    private sealed class Frame(bool isMapping, string? anchor, long startTotal)
    {
        public bool IsMapping { get; } = isMapping;

        public string? Anchor { get; } = anchor;

        public long StartTotal { get; } = startTotal;

        public bool ExpectKey { get; set; } = true;

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>
/// What a recipe and the files it includes have used of the <see cref="RecipeLoadSettings"/> limits so far: one budget
/// is shared by every file of a load, so includes cannot multiply the limits.
/// </summary>
internal sealed class YamlBudget
{
    /// <summary>Characters read so far.</summary>
    public long Size { get; set; }

    /// <summary>Nodes read so far, aliases expanded.</summary>
    public long Nodes { get; set; }

    /// <summary>Aliases read so far.</summary>
    public int Aliases { get; set; }

    /// <summary>Files read so far.</summary>
    public int Files { get; set; }
}
