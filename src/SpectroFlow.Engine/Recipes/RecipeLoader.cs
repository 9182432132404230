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

    private RunPlan Compile(YamlNode root, string file, string fullPath, string folder, YamlBudget budget)
    {
        // The recipe is last in merge order: includes come first, so later files override earlier ones.
        IReadOnlyList<RecipeDocument> documents = RecipeIncludes.Resolve(root, file, fullPath, folder, _settings, budget);
        RecipeDocument recipe = documents[^1];
        var errors = new List<ValidationError>();
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

        // 1. params (environment only; a later file overrides by name), then --set overrides, then everything else
        //    (environment + params) in every file.
        var brokenParameters = new HashSet<string>(StringComparer.Ordinal);
        Dictionary<string, string> parameters = ReadParameters(documents, brokenParameters, errors);

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

        // 2. seed (the last file that sets it)
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

        // 3. inputs and steps: every file's inputs, then every file's steps, in merge order
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

        // 4. outputs (each key from the last file that sets it)
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

        // 5. graph: ids, upstreams, types, cycles
        var byId = new Dictionary<string, StepSpec>(StringComparer.Ordinal);
        foreach (StepSpec spec in specs)
        {
            if (!byId.TryAdd(spec.Id, spec))
            {
                errors.Add(new ValidationError($"id '{spec.Id}' is used twice (first at {byId[spec.Id].IdLocation})", spec.IdLocation));
            }
        }

        var sources = specs.Where(s => s.IsSource).ToList();
        if (sources.Count > 1)
        {
            foreach (StepSpec source in sources.Where(s => s.Id.IndexOfAny(['/', '#']) >= 0))
            {
                errors.Add(new ValidationError($"input id '{source.Id}' must not contain '/' or '#': with several inputs it starts the item keys", source.IdLocation));
            }
        }

        StepSpec? previous = null;
        foreach (StepSpec spec in specs.Where(s => !s.IsSource))
        {
            if (spec.From.Count == 0)
            {
                if (previous is not null)
                {
                    spec.From.Add((previous.Id, spec.Location));
                }
                else if (sources.Count == 1)
                {
                    spec.From.Add((sources[0].Id, spec.Location));
                }
                else if (sources.Count > 1)
                {
                    errors.Add(new ValidationError($"step '{spec.Id}' needs 'from': the recipe has {sources.Count} inputs", spec.Location));
                }
            }

            previous = spec;
            foreach ((string upstreamId, SourceLocation at) in spec.From)
            {
                if (!byId.TryGetValue(upstreamId, out StepSpec? upstream))
                {
                    errors.Add(new ValidationError($"step '{spec.Id}' reads from '{upstreamId}', which is not an input or step{Names.DidYouMean(upstreamId, byId.Keys)}", at));
                }
                else if (upstream == spec)
                {
                    errors.Add(new ValidationError($"step '{spec.Id}' reads from itself", at));
                }
                else if (spec.Block is { } block && upstream.Block is { } up && !block.Accepts(up.OutputType))
                {
                    errors.Add(new ValidationError(
                        $"step '{spec.Id}' ({block.Name}) takes {block.InputType!.Name} but '{upstream.Id}' ({up.Name}) produces {up.OutputType.Name}", at));
                }
            }
        }

        foreach ((string id, SourceLocation at) in keep)
        {
            if (!byId.ContainsKey(id))
            {
                errors.Add(new ValidationError($"outputs.keep names '{id}', which is not a step{Names.DidYouMean(id, byId.Keys)}", at));
            }
        }

        List<StepSpec> ordered = Order(specs, byId, errors);
        RecipeChecks.CheckNameTemplates([.. specs.Select(s => new RecipeChecks.StepInfo(s.Id, s.Block, s.Options, [.. s.From.Select(f => f.Id)]))], errors);
        errors.RemoveAll(e => e.Message == Interpolator.BrokenMarker);
        if (errors.Count > 0)
        {
            throw new RecipeException(InFileOrder(errors, documents));
        }

        var steps = ordered.Select(s => new PlannedStep(
            s.Id,
            s.Block!,
            s.Options!,
            [.. s.From.Select(f => f.Id).Distinct(StringComparer.Ordinal)],
            s.Parallelism ?? Math.Min(s.Block!.DefaultParallelism, s.Capacity ?? int.MaxValue),
            s.Capacity ?? Math.Max(2, 2 * (s.Parallelism ?? s.Block!.DefaultParallelism)),
            keep.ContainsKey(s.Id),
            s.Location)).ToList();
        return new RunPlan(file, seed, outputRoot, folder, parameters, steps, [.. documents.SkipLast(1).Select(d => d.File)]);
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

    private static List<StepSpec> Order(List<StepSpec> specs, Dictionary<string, StepSpec> byId, List<ValidationError> errors)
    {
        var ordered = new List<StepSpec>(specs.Count);
        var state = new Dictionary<StepSpec, int>(ReferenceEqualityComparer.Instance); // 1 visiting, 2 done
        var path = new List<StepSpec>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        void Visit(StepSpec spec)
        {
            if (state.TryGetValue(spec, out int s))
            {
                if (s == 1)
                {
                    List<StepSpec> cycle = path.SkipWhile(p => p != spec).ToList();
                    string key = string.Join(",", cycle.Select(c => c.Id).Order(StringComparer.Ordinal));
                    if (reported.Add(key))
                    {
                        errors.Add(new ValidationError($"steps form a cycle: {string.Join(" -> ", cycle.Select(c => c.Id))} -> {spec.Id}", spec.Location));
                    }
                }

                return;
            }

            state[spec] = 1;
            path.Add(spec);
            foreach ((string id, _) in spec.From)
            {
                if (byId.TryGetValue(id, out StepSpec? upstream) && upstream != spec)
                {
                    Visit(upstream);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[spec] = 2;
            ordered.Add(spec);
        }

        foreach (StepSpec spec in specs)
        {
            Visit(spec);
        }

        return ordered;
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

    private sealed class StepSpec
    {
        public string Id { get; set; } = string.Empty;

        public SourceLocation Location { get; init; }

        public SourceLocation IdLocation { get; set; }

        public bool IsSource { get; init; }

        public BlockDescriptor? Block { get; set; }

        public IBlockOptions? Options { get; set; }

        public List<(string Id, SourceLocation At)> From { get; } = [];

        public int? Parallelism { get; set; }

        public int? Capacity { get; set; }

        public SourceLocation CapacityLocation { get; set; }
    }
}
