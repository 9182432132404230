using System.Globalization;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Registry;
using YamlDotNet.RepresentationModel;

namespace SpectroFlow.Engine.Recipes;

/// <summary>
/// Loads and validates a recipe before anything runs. Every problem is collected (unknown block or option, wrong type,
/// out-of-range value, missing upstream, cycle, payload type mismatch, output path escaping the root, YAML limits) and
/// reported at once in a <see cref="RecipeException"/> whose lines read <c>file:line:col: message</c>.
/// </summary>
public sealed class RecipeLoader
{
    private const int MaxParallelism = 256;
    private const int MaxCapacity = 100_000;
    private readonly BlockRegistry _registry;
    private readonly RecipeLoadSettings _settings;

    /// <summary>Creates a loader for the blocks of <paramref name="registry"/>.</summary>
    public RecipeLoader(BlockRegistry registry, RecipeLoadSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _settings = settings ?? new RecipeLoadSettings();
    }

    /// <summary>
    /// Loads <paramref name="path"/> and the files it includes; a relative path (an input folder, <c>outputs.root</c>,
    /// <c>include:</c>) is resolved against the folder of the file that names it.
    /// </summary>
    /// <exception cref="RecipeException">The recipe cannot run; the message lists every problem.</exception>
    public RunPlan LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var budget = new YamlBudget();
        YamlNode root = SafeYamlReader.ReadFile(path, path, _settings, budget);
        string fullPath = Path.GetFullPath(path);
        return Compile(root, path, fullPath, Path.GetDirectoryName(fullPath)!, budget);
    }

    /// <summary>
    /// Loads recipe text; <paramref name="displayName"/> prefixes messages, <paramref name="baseDirectory"/> anchors relative
    /// paths (includes among them).
    /// </summary>
    /// <exception cref="RecipeException">The recipe cannot run; the message lists every problem.</exception>
    public RunPlan LoadText(string text, string displayName = "recipe.yaml", string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var budget = new YamlBudget();
        YamlNode root = SafeYamlReader.ReadText(text, displayName, _settings, budget);
        string folder = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        return Compile(root, displayName, Path.Combine(folder, Path.GetFileName(displayName)), folder, budget);
    }

    /// <summary>
    /// Turns the recipe and its includes into a plan, in stages that each collect their problems: top-level keys,
    /// parameters (+ <c>--set</c>), interpolation, seed, inputs and steps, outputs, then the graph (ids, upstreams,
    /// ports, payload types, formats, order).
    /// </summary>
    private RunPlan Compile(YamlNode root, string file, string fullPath, string folder, YamlBudget budget)
    {
        // The recipe is last in merge order: includes come first, so later files override earlier ones.
        IReadOnlyList<RecipeDocument> documents = RecipeIncludes.Resolve(root, file, fullPath, folder, _settings, budget);
        var errors = new List<ValidationError>();
        CheckTopLevelKeys(documents, errors);
        var brokenParameters = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string> parameters = ReadParameters(documents, brokenParameters, errors);
        string? seedOverride = ApplyOverrides(parameters, brokenParameters, errors);
        HashSet<YamlNode> broken = InterpolateAll(documents, parameters, brokenParameters, errors);
        ulong seed = ReadSeed(documents, seedOverride, broken, errors);
        List<StepSpec> specs = ReadAllSteps(documents, folder, errors, broken);
        (string outputRoot, Dictionary<string, SourceLocation> keep) = ReadAllOutputs(documents, folder, errors);
        bool report = ReadReport(documents, broken, errors);
        IReadOnlyList<PlannedStep> steps = RecipeGraph.Link(specs, keep, errors);
        errors.RemoveAll(e => e.Message == Interpolator.BrokenMarker);
        if (errors.Count > 0)
        {
            throw new RecipeException(InFileOrder(errors, documents));
        }

        return new RunPlan(file, seed, outputRoot, folder, parameters, steps, [.. documents.SkipLast(1).Select(d => d.File)]) { Report = report };
    }

    private static void CheckTopLevelKeys(IReadOnlyList<RecipeDocument> documents, List<ValidationError> errors)
    {
        foreach (RecipeDocument document in documents)
        {
            foreach ((YamlNode key, _) in document.Root.Children)
            {
                string name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (!RecipeKeys.TopLevel.Contains(name))
                {
                    errors.Add(new ValidationError($"unknown recipe key '{name}'{Names.DidYouMean(name, RecipeKeys.TopLevel)}", document.At(key)));
                }
            }
        }
    }

    /// <summary>Applies <c>--set</c> to the parameters; returns the seed override, if any.</summary>
    private string? ApplyOverrides(Dictionary<string, string> parameters, HashSet<string> brokenParameters, List<ValidationError> errors)
    {
        string? seedOverride = null;
        foreach ((string key, string value) in _settings.Overrides)
        {
            string name = key.StartsWith("params.", StringComparison.Ordinal) ? key["params.".Length..] : key;
            if (name == "seed")
            {
                seedOverride = value;
            }
            else if (parameters.ContainsKey(name))
            {
                parameters[name] = value;
                brokenParameters.Remove(name);
            }
            else
            {
                errors.Add(new ValidationError($"--set {key}: the recipe declares no parameter '{name}'{Names.DidYouMean(name, parameters.Keys.Append("seed"))}"));
            }
        }

        return seedOverride;
    }

    /// <summary>Interpolates every value (environment and params) of every file but params and include; returns the nodes that failed.</summary>
    private HashSet<YamlNode> InterpolateAll(IReadOnlyList<RecipeDocument> documents, Dictionary<string, string> parameters, HashSet<string> brokenParameters, List<ValidationError> errors)
    {
        var broken = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var visited = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        foreach (RecipeDocument document in documents)
        {
            foreach ((YamlNode key, YamlNode value) in document.Root.Children)
            {
                if (key is YamlScalarNode { Value: not ("params" or "include") })
                {
                    InterpolateTree(value, document.File, parameters, brokenParameters, errors, visited, broken);
                }
            }
        }

        errors.RemoveAll(e => e.Message == Interpolator.BrokenMarker);
        return broken;
    }

    /// <summary>The seed: <c>--set seed=</c>, else the last file that sets it, else 0.</summary>
    private static ulong ReadSeed(IReadOnlyList<RecipeDocument> documents, string? seedOverride, HashSet<YamlNode> broken, List<ValidationError> errors)
    {
        ulong seed = 0;
        RecipeDocument? seedDocument = documents.LastOrDefault(d => d.Get("seed") is not null);
        YamlNode? seedNode = seedDocument?.Get("seed");
        string? seedText = seedOverride ?? (seedNode as YamlScalarNode)?.Value;
        if (seedOverride is null && seedNode is not null && broken.Contains(seedNode))
        {
            // reported by interpolation
        }
        else if (seedText is not null && !ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            errors.Add(new ValidationError($"seed must be a whole number from 0 to {ulong.MaxValue}, not '{seedText}'", seedOverride is null && seedNode is not null ? seedDocument!.At(seedNode) : null));
        }
        else if (seedNode is not null and not YamlScalarNode)
        {
            errors.Add(new ValidationError("seed must be a whole number", seedDocument!.At(seedNode)));
        }

        return seed;
    }

    /// <summary><c>report: true|false</c>: the last file that sets it, else false.</summary>
    private static bool ReadReport(IReadOnlyList<RecipeDocument> documents, HashSet<YamlNode> broken, List<ValidationError> errors)
    {
        RecipeDocument? document = documents.LastOrDefault(d => d.Get("report") is not null);
        YamlNode? node = document?.Get("report");
        if (node is null || broken.Contains(node))
        {
            return false;
        }

        if (node is YamlScalarNode { Value: { } text } && bool.TryParse(text, out bool report))
        {
            return report;
        }

        errors.Add(new ValidationError($"report must be true or false, not '{(node as YamlScalarNode)?.Value ?? "a list or map"}'", document!.At(node)));
        return false;
    }

    /// <summary>Every file's inputs, then every file's steps, in merge order.</summary>
    private List<StepSpec> ReadAllSteps(IReadOnlyList<RecipeDocument> documents, string folder, List<ValidationError> errors, HashSet<YamlNode> broken)
    {
        RecipeDocument recipe = documents[^1];
        var specs = new List<StepSpec>();
        foreach (RecipeDocument document in documents)
        {
            ReadSteps(document.Get("inputs"), "inputs", isSource: true, document, folder, specs, errors, broken);
        }

        foreach (RecipeDocument document in documents)
        {
            ReadSteps(document.Get("steps"), "steps", isSource: false, document, folder, specs, errors, broken);
        }

        if (documents.All(d => d.Get("steps") is null))
        {
            errors.Add(new ValidationError("a recipe needs 'steps'", recipe.At(recipe.Root)));
        }

        if (!specs.Any(s => s.IsSource) && documents.All(d => d.Get("inputs") is null))
        {
            errors.Add(new ValidationError("a recipe needs 'inputs'", recipe.At(recipe.Root)));
        }

        return specs;
    }

    /// <summary>The output root and kept steps, each key from the last file that sets it; <c>--output</c> wins.</summary>
    private (string Root, Dictionary<string, SourceLocation> Keep) ReadAllOutputs(IReadOnlyList<RecipeDocument> documents, string folder, List<ValidationError> errors)
    {
        string outputRoot = Path.GetFullPath(Path.Combine(folder, "out"));
        var keep = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (RecipeDocument document in documents)
        {
            if (document.Get("outputs") is { } outputsNode)
            {
                ReadOutputs(outputsNode, document.File, document.Folder, keep, errors, ref outputRoot);
            }
        }

        if (_settings.OutputRootOverride is { } overrideRoot)
        {
            outputRoot = Path.GetFullPath(overrideRoot);
        }

        return (outputRoot, keep);
    }

    /// <summary>Problems without a location first, then by file (in merge order), line and column.</summary>
    private static List<ValidationError> InFileOrder(List<ValidationError> errors, IReadOnlyList<RecipeDocument> documents)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (RecipeDocument document in documents)
        {
            rank.TryAdd(document.File, rank.Count);
        }

        return [.. errors
            .OrderBy(e => e.Location is { } at ? rank.GetValueOrDefault(at.File, rank.Count) : -1)
            .ThenBy(e => e.Location?.Line ?? 0)
            .ThenBy(e => e.Location?.Column ?? 0)];
    }

    /// <summary>
    /// The value of every parameter, from the last file that declares it; only that declaration is interpolated (with
    /// the environment), so a recipe can replace an included <c>${VAR:?message}</c> default.
    /// </summary>
    private Dictionary<string, string> ReadParameters(IReadOnlyList<RecipeDocument> documents, HashSet<string> brokenParameters, List<ValidationError> errors)
    {
        var declarations = new Dictionary<string, (RecipeDocument Document, YamlScalarNode Value)>(StringComparer.Ordinal);
        foreach (RecipeDocument document in documents)
        {
            YamlNode? paramsNode = document.Get("params");
            if (paramsNode is YamlMappingNode paramsMap)
            {
                foreach ((YamlNode key, YamlNode value) in paramsMap.Children)
                {
                    string name = (key as YamlScalarNode)?.Value ?? string.Empty;
                    if (value is YamlScalarNode scalar)
                    {
                        declarations[name] = (document, scalar);
                    }
                    else
                    {
                        errors.Add(new ValidationError($"parameter '{name}' must be a single value", document.At(value)));
                    }
                }
            }
            else if (paramsNode is not null)
            {
                errors.Add(new ValidationError("'params' must be a mapping of names to values", document.At(paramsNode)));
            }
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, (RecipeDocument document, YamlScalarNode value)) in declarations)
        {
            int before = errors.Count;
            parameters[name] = Interpolator.Expand(value.Value ?? string.Empty, document.At(value), _settings.Environment, null, errors);
            if (errors.Count > before)
            {
                brokenParameters.Add(name);
            }
        }

        return parameters;
    }

    private void ReadSteps(YamlNode? node, string section, bool isSource, RecipeDocument document, string inputRoot, List<StepSpec> specs, List<ValidationError> errors, HashSet<YamlNode> broken)
    {
        string file = document.File;
        SourceLocation At(YamlNode n) => SafeYamlReader.Location(file, n.Start);
        if (node is null)
        {
            return;
        }

        if (node is not YamlSequenceNode sequence)
        {
            errors.Add(new ValidationError($"'{section}' must be a list", At(node)));
            return;
        }

        foreach (YamlNode item in sequence.Children)
        {
            if (item is not YamlMappingNode map)
            {
                errors.Add(new ValidationError($"each entry of '{section}' must be a mapping with 'id' and 'use'", At(item)));
                continue;
            }

            var spec = new StepSpec { Location = At(map), IdLocation = At(map), IsSource = isSource };
            var options = new List<KeyValuePair<YamlScalarNode, YamlNode>>();
            string? use = isSource ? "folder" : null;
            SourceLocation useAt = At(map);
            foreach ((YamlNode keyNode, YamlNode value) in map.Children)
            {
                if (keyNode is not YamlScalarNode key)
                {
                    errors.Add(new ValidationError("keys must be plain names", At(keyNode)));
                    continue;
                }

                switch (key.Value)
                {
                    case "id":
                        spec.Id = Scalar(value, "id", file, errors) ?? string.Empty;
                        spec.IdLocation = At(value);
                        break;
                    case "use":
                        use = Scalar(value, "use", file, errors);
                        useAt = At(value);
                        break;
                    case "from" when !isSource:
                        if (value is YamlSequenceNode { Children.Count: 0 })
                        {
                            errors.Add(new ValidationError("'from' lists no step; leave it out to read from the previous step", At(value)));
                        }
                        else if (value is YamlSequenceNode list)
                        {
                            foreach (YamlNode upstream in list.Children)
                            {
                                if (Scalar(upstream, "from", file, errors) is { } id)
                                {
                                    spec.From.Add((id, At(upstream)));
                                }
                            }
                        }
                        else if (Scalar(value, "from", file, errors) is { } single)
                        {
                            spec.From.Add((single, At(value)));
                        }

                        break;
                    case "inputs" when !isSource:
                        spec.InputsLocation = At(value);
                        if (value is YamlMappingNode ports && ports.Children.Count > 0)
                        {
                            foreach ((YamlNode portNode, YamlNode upstream) in ports.Children)
                            {
                                if (portNode is YamlScalarNode { Value: { } port } && Scalar(upstream, $"inputs.{port}", file, errors) is { } upstreamId)
                                {
                                    spec.Inputs.Add((port, At(portNode), upstreamId, At(upstream)));
                                }
                            }
                        }
                        else
                        {
                            errors.Add(new ValidationError("'inputs' must map port names to steps, e.g. inputs: {a: song_a, b: song_b}", At(value)));
                        }

                        break;
                    case "pairing" when !isSource:
                        spec.Pairing = Scalar(value, "pairing", file, errors) is { } pairing ? (pairing, At(value)) : null;
                        break;
                    case "one" when !isSource:
                        spec.One = Scalar(value, "one", file, errors) is { } one ? (one, At(value)) : null;
                        break;
                    case "group" when !isSource:
                        spec.Group = Scalar(value, "group", file, errors) is { } group ? (group, At(value)) : null;
                        break;
                    case "parallelism":
                        spec.Parallelism = Int(value, "parallelism", MaxParallelism, file, errors);
                        break;
                    case "capacity":
                        spec.Capacity = Int(value, "capacity", MaxCapacity, file, errors);
                        spec.CapacityLocation = At(value);
                        break;
                    default:
                        options.Add(new(key, value));
                        break;
                }
            }

            if (spec.Parallelism is { } p && spec.Capacity is { } c && c < p)
            {
                errors.Add(new ValidationError($"step '{spec.Id}': capacity ({c}) must be at least parallelism ({p})", spec.CapacityLocation));
            }

            if (spec.Id.Length == 0)
            {
                errors.Add(new ValidationError($"an entry of '{section}' has no 'id'", spec.Location));
                spec.Id = $"<{section}[{specs.Count}]>";
            }

            if (use is null)
            {
                errors.Add(new ValidationError($"step '{spec.Id}' has no 'use' (the block type)", spec.Location));
            }
            else if (broken.Count > 0 && map.Children.Any(p => p.Key is YamlScalarNode { Value: "use" } && broken.Contains(p.Value)))
            {
                // reported by interpolation
            }
            else if (_registry.Find(use) is not { } block)
            {
                IEnumerable<string> names = _registry.All.Where(b => (b.Shape == BlockShape.Source) == isSource).Select(b => b.Name);
                errors.Add(new ValidationError($"unknown {(isSource ? "input type" : "block")} '{use}'{Names.DidYouMean(use, names)}", useAt));
            }
            else if ((block.Shape == BlockShape.Source) != isSource)
            {
                errors.Add(new ValidationError(isSource ? $"'{use}' is a block, not an input type" : $"'{use}' is an input type; declare it under 'inputs'", useAt));
            }
            else
            {
                spec.Block = block;
                spec.Options = OptionsBinder.Bind(block, spec.Id, options, spec.Location, new OptionsBinder.OptionPaths(file, document.Folder, inputRoot), errors, broken);
            }

            specs.Add(spec);
        }
    }

    private static void ReadOutputs(YamlNode node, string file, string folder, Dictionary<string, SourceLocation> keep, List<ValidationError> errors, ref string outputRoot)
    {
        SourceLocation At(YamlNode n) => SafeYamlReader.Location(file, n.Start);
        if (node is not YamlMappingNode map)
        {
            errors.Add(new ValidationError("'outputs' must be a mapping with 'root' and optional 'keep'", At(node)));
            return;
        }

        foreach ((YamlNode keyNode, YamlNode value) in map.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            switch (key)
            {
                case "root":
                    if (Scalar(value, "outputs.root", file, errors) is { Length: > 0 } root)
                    {
                        outputRoot = Path.GetFullPath(Path.Combine(folder, root));
                    }

                    break;
                case "keep":
                    keep.Clear(); // a later file's keep replaces an earlier one's
                    IEnumerable<YamlNode> ids = value is YamlSequenceNode list ? list.Children : [value];
                    foreach (YamlNode id in ids)
                    {
                        if (Scalar(id, "outputs.keep", file, errors) is { } name)
                        {
                            keep[name] = At(id);
                        }
                    }

                    break;
                default:
                    errors.Add(new ValidationError($"unknown key 'outputs.{key}'{Names.DidYouMean(key, RecipeKeys.Outputs)}", At(keyNode)));
                    break;
            }
        }
    }

    private void InterpolateTree(YamlNode node, string file, Dictionary<string, string> parameters, HashSet<string> brokenParameters, List<ValidationError> errors, HashSet<YamlNode> visited, HashSet<YamlNode> broken)
    {
        if (!visited.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlScalarNode scalar when scalar.Value is not null:
                int before = errors.Count;
                scalar.Value = Interpolator.Expand(scalar.Value, SafeYamlReader.Location(file, scalar.Start), _settings.Environment, parameters, errors, brokenParameters);
                if (errors.Count > before)
                {
                    broken.Add(scalar);
                }

                break;
            case YamlSequenceNode sequence:
                foreach (YamlNode child in sequence.Children)
                {
                    InterpolateTree(child, file, parameters, brokenParameters, errors, visited, broken);
                }

                break;
            case YamlMappingNode mapping:
                foreach ((_, YamlNode value) in mapping.Children)
                {
                    InterpolateTree(value, file, parameters, brokenParameters, errors, visited, broken);
                }

                break;
        }
    }

    private static string? Scalar(YamlNode node, string what, string file, List<ValidationError> errors)
    {
        if (node is YamlScalarNode { Value: { } value })
        {
            return value;
        }

        errors.Add(new ValidationError($"'{what}' must be a single value", SafeYamlReader.Location(file, node.Start)));
        return null;
    }

    private static int? Int(YamlNode node, string what, int max, string file, List<ValidationError> errors)
    {
        string? text = Scalar(node, what, file, errors);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max)
        {
            return value;
        }

        errors.Add(new ValidationError($"'{what}' must be a whole number from 1 to {max}, not '{text}'", SafeYamlReader.Location(file, node.Start)));
        return null;
    }
}
