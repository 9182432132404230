using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Recipes;

/// <summary>
/// The graph stage of loading a recipe: unique ids, upstream steps (<c>from:</c>, or <c>inputs:</c> of a pair block),
/// port names, pairing and grouping, payload types per port, formats where blocks declare them, cycles and order. Every
/// problem is collected with its location.
/// </summary>
internal static class RecipeGraph
{
    public static IReadOnlyList<PlannedStep> Link(List<StepSpec> specs, Dictionary<string, SourceLocation> keep, List<ValidationError> errors)
    {
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

        AddDefaultUpstreams(specs, sources, errors);
        var shapes = new Dictionary<StepSpec, StepShape>(ReferenceEqualityComparer.Instance);
        foreach (StepSpec spec in specs.Where(s => !s.IsSource))
        {
            shapes[spec] = CheckShape(spec, errors);
            CheckUpstreams(spec, byId, shapes[spec], errors);
        }

        foreach ((string id, SourceLocation at) in keep)
        {
            if (!byId.ContainsKey(id))
            {
                errors.Add(new ValidationError($"outputs.keep names '{id}', which is not a step{Names.DidYouMean(id, byId.Keys)}", at));
            }
        }

        List<StepSpec> ordered = Order(specs, byId, errors);
        RecipeChecks.CheckNameTemplates([.. specs.Select(s => new RecipeChecks.StepInfo(s.Id, s.Block, s.Options, [.. s.Upstream.Select(u => u.Id)]))], errors);
        Dictionary<string, PayloadFormat> formats = PropagateFormats(ordered, byId, errors);
        if (errors.Count > 0)
        {
            return [];
        }

        return [.. ordered.Select(s => Plan(s, shapes.GetValueOrDefault(s), keep.ContainsKey(s.Id), formats[s.Id]))];
    }

    private static PlannedStep Plan(StepSpec s, StepShape? shape, bool keep, PayloadFormat format)
    {
        BlockDescriptor block = s.Block!;
        IReadOnlyList<PlannedInput> inputs = s.Inputs.Count > 0
            ? [.. s.Inputs.Select(i => new PlannedInput(i.Id, PortIndex(block, i.Port)))]
            : [.. s.From.Select(f => f.Id).Distinct(StringComparer.Ordinal).Select(id => new PlannedInput(id, 0))];
        return new PlannedStep(
            s.Id,
            block,
            s.Options!,
            [.. inputs.Select(i => i.StepId).Distinct(StringComparer.Ordinal)],
            s.Parallelism ?? Math.Min(block.DefaultParallelism, s.Capacity ?? int.MaxValue),
            s.Capacity ?? Math.Max(2, 2 * (s.Parallelism ?? block.DefaultParallelism)),
            keep,
            s.Location)
        {
            Inputs = inputs,
            Pairing = shape?.Pairing ?? Pairing.None,
            OnePort = shape?.OnePort,
            Grouping = shape?.Grouping ?? Grouping.Source,
            Format = format,
        };
    }

    private static int PortIndex(BlockDescriptor block, string port)
    {
        for (int i = 0; i < block.Ports.Count; i++)
        {
            if (block.Ports[i].Name == port)
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>A step without <c>from:</c> or <c>inputs:</c> reads from the previous step (the first: the only input).</summary>
    private static void AddDefaultUpstreams(List<StepSpec> specs, List<StepSpec> sources, List<ValidationError> errors)
    {
        StepSpec? previous = null;
        foreach (StepSpec spec in specs.Where(s => !s.IsSource))
        {
            if (spec.From.Count == 0 && spec.Inputs.Count == 0 && spec.InputsLocation is null)
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
        }
    }

    /// <summary>Checks <c>inputs</c>, <c>pairing</c>, <c>one</c> and <c>group</c> against the block's shape.</summary>
    private static StepShape CheckShape(StepSpec spec, List<ValidationError> errors)
    {
        var shape = new StepShape();
        if (spec.Block is not { } block)
        {
            return shape;
        }

        bool isPair = block.Shape == BlockShape.Pair;
        string what = $"step '{spec.Id}' ({block.Name})";
        if (spec.InputsLocation is { } inputsAt && !isPair)
        {
            errors.Add(new ValidationError($"{what} has one input: name it with 'from', not 'inputs'", inputsAt));
        }

        if (isPair && spec.Inputs.Count > 0 && spec.From.Count > 0)
        {
            errors.Add(new ValidationError($"{what}: use 'inputs' (two streams paired) or 'from' with pairing: window (one stream), not both", spec.InputsLocation!.Value));
        }

        if (!isPair)
        {
            foreach ((string key, SourceLocation at) in new[] { ("pairing", spec.Pairing?.At), ("one", spec.One?.At) }.Where(p => p.Item2 is not null).Select(p => (p.Item1, p.Item2!.Value)))
            {
                errors.Add(new ValidationError($"'{key}' applies to blocks that pair two inputs; {what} is not one", at));
            }

            if (spec.Group is { } group && block.Shape != BlockShape.Group)
            {
                errors.Add(new ValidationError($"'group' applies to blocks that combine groups (and to pairing: window); {what} is not one", group.At));
            }
            else if (spec.Group is { } g)
            {
                shape.Grouping = ParseGrouping(g, errors);
            }

            return shape;
        }

        CheckPorts(spec, block, what, errors);
        shape.Pairing = spec.Pairing is { } p
            ? ParsePairing(p, errors)
            : spec.Inputs.Count > 0 || spec.InputsLocation is not null ? Pairing.ByKey : Pairing.Window;
        if (shape.Pairing == Pairing.Window && spec.Inputs.Count > 0)
        {
            errors.Add(new ValidationError($"{what}: pairing: window pairs consecutive items of one stream; read it with 'from', not 'inputs'", spec.Pairing?.At ?? spec.Location));
        }
        else if (shape.Pairing is Pairing.ByKey or Pairing.Zip or Pairing.EachWithOne && spec.Inputs.Count == 0 && spec.InputsLocation is null)
        {
            errors.Add(new ValidationError($"{what}: pairing: {Kebab(shape.Pairing)} needs two streams, e.g. inputs: {{{block.Ports[0].Name}: x, {block.Ports[1].Name}: y}}", spec.Pairing?.At ?? spec.Location));
        }
        else if (shape.Pairing == Pairing.Window && spec.From.Count > 1)
        {
            errors.Add(new ValidationError($"{what}: pairing: window reads one stream; 'from' names {spec.From.Count}", spec.From[1].At));
        }

        if (spec.One is { } one)
        {
            if (shape.Pairing != Pairing.EachWithOne)
            {
                errors.Add(new ValidationError($"'one' applies only to pairing: each-with-one", one.At));
            }
            else if (block.Port(one.Value) is null)
            {
                errors.Add(new ValidationError($"{what} has no port '{one.Value}' (ports: {string.Join(", ", block.Ports.Select(x => x.Name))})", one.At));
            }
            else
            {
                shape.OnePort = PortIndex(block, one.Value);
            }
        }
        else if (shape.Pairing == Pairing.EachWithOne)
        {
            errors.Add(new ValidationError($"{what}: pairing: each-with-one needs 'one': the port whose single item pairs with every item of the other", spec.Pairing!.Value.At));
        }

        if (spec.Group is { } grouping)
        {
            if (shape.Pairing != Pairing.Window)
            {
                errors.Add(new ValidationError($"'group' applies to pairing: window (and to blocks that combine groups), not to pairing: {Kebab(shape.Pairing)}", grouping.At));
            }
            else
            {
                shape.Grouping = ParseGrouping(grouping, errors);
            }
        }

        return shape;
    }

    private static void CheckPorts(StepSpec spec, BlockDescriptor block, string what, List<ValidationError> errors)
    {
        if (spec.Inputs.Count == 0)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string port, SourceLocation portAt, _, _) in spec.Inputs)
        {
            if (block.Port(port) is null)
            {
                errors.Add(new ValidationError($"{what} has no port '{port}' (ports: {string.Join(", ", block.Ports.Select(p => p.Name))})", portAt));
            }
            else if (!seen.Add(port))
            {
                errors.Add(new ValidationError($"{what}: port '{port}' is named twice", portAt));
            }
        }

        foreach (BlockPort missing in block.Ports.Where(p => !seen.Contains(p.Name)))
        {
            errors.Add(new ValidationError($"{what}: port '{missing.Name}' has no input (inputs: {{{string.Join(", ", block.Ports.Select(p => p.Name + ": step"))}}})", spec.InputsLocation!.Value));
        }
    }

    private static void CheckUpstreams(StepSpec spec, Dictionary<string, StepSpec> byId, StepShape shape, List<ValidationError> errors)
    {
        foreach ((string upstreamId, SourceLocation at) in spec.From)
        {
            if (Find(spec, upstreamId, at, byId, errors) is { } upstream && spec.Block is { } block && upstream.Block is { } up)
            {
                // A window feeds both ports of a pair block from one stream.
                IEnumerable<BlockPort> ports = block.Shape == BlockShape.Pair && shape.Pairing == Pairing.Window ? block.Ports : block.Ports.Take(1);
                foreach (BlockPort port in ports.Where(p => !p.Accepts(up.OutputType)))
                {
                    errors.Add(new ValidationError(
                        $"step '{spec.Id}' ({block.Name}) takes {port.Type.Name} but '{upstream.Id}' ({up.Name}) produces {up.OutputType.Name}", at));
                }
            }
        }

        foreach ((string port, _, string upstreamId, SourceLocation at) in spec.Inputs)
        {
            if (Find(spec, upstreamId, at, byId, errors) is { } upstream && spec.Block?.Port(port) is { } blockPort && upstream.Block is { } up && !blockPort.Accepts(up.OutputType))
            {
                errors.Add(new ValidationError(
                    $"port '{port}' of step '{spec.Id}' ({spec.Block.Name}) takes {blockPort.Type.Name} but '{upstream.Id}' ({up.Name}) produces {up.OutputType.Name}", at));
            }
        }
    }

    private static StepSpec? Find(StepSpec spec, string upstreamId, SourceLocation at, Dictionary<string, StepSpec> byId, List<ValidationError> errors)
    {
        if (!byId.TryGetValue(upstreamId, out StepSpec? upstream))
        {
            errors.Add(new ValidationError($"step '{spec.Id}' reads from '{upstreamId}', which is not an input or step{Names.DidYouMean(upstreamId, byId.Keys)}", at));
            return null;
        }

        if (upstream == spec)
        {
            errors.Add(new ValidationError($"step '{spec.Id}' reads from itself", at));
            return null;
        }

        return upstream;
    }

    /// <summary>
    /// Output formats in graph order: a block whose options declare one (<see cref="IDeclaresFormat"/>) sets it from
    /// its input's, other one-input blocks of the same payload type pass their input's on, the rest are unknown. The two
    /// ports of a pair must agree where both are known.
    /// </summary>
    private static Dictionary<string, PayloadFormat> PropagateFormats(List<StepSpec> ordered, Dictionary<string, StepSpec> byId, List<ValidationError> errors)
    {
        var formats = new Dictionary<string, PayloadFormat>(StringComparer.Ordinal);
        foreach (StepSpec spec in ordered)
        {
            PayloadFormat FormatOf(string id) => formats.GetValueOrDefault(id) ?? PayloadFormat.Unknown;
            var upstreamIds = spec.Upstream.Select(u => u.Id).Where(byId.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            PayloadFormat input = upstreamIds.Count == 1 ? FormatOf(upstreamIds[0]) : Common(upstreamIds.Select(FormatOf));
            if (spec.Block is { Shape: BlockShape.Pair } block && spec.Inputs.Count == 2)
            {
                PayloadFormat a = FormatOf(spec.Inputs[0].Id), b = FormatOf(spec.Inputs[1].Id);
                if (a.Conflict(b) is { } conflict)
                {
                    errors.Add(new ValidationError(
                        $"step '{spec.Id}' ({block.Name}) pairs '{spec.Inputs[0].Id}' with '{spec.Inputs[1].Id}', which cannot match: {conflict} (add a resample or mel step with the same settings to one side)",
                        spec.InputsLocation!.Value));
                }

                input = Common([a, b]);
            }

            formats[spec.Id] = spec switch
            {
                { Options: IDeclaresFormat declares } => declares.OutputFormat(input),
                { IsSource: true } => PayloadFormat.Unknown,
                { Block: { } b2 } when b2.InputType == b2.OutputType => input,
                _ => PayloadFormat.Unknown,
            };
        }

        return formats;
    }

    /// <summary>What several streams certainly share: the fields all know and agree on.</summary>
    private static PayloadFormat Common(IEnumerable<PayloadFormat> formats)
    {
        PayloadFormat? common = null;
        foreach (PayloadFormat format in formats)
        {
            common = common is null ? format : new PayloadFormat(
                common.SampleRate == format.SampleRate ? common.SampleRate : null,
                common.Channels == format.Channels ? common.Channels : null,
                common.Spectrogram == format.Spectrogram ? common.Spectrogram : null);
        }

        return common ?? PayloadFormat.Unknown;
    }

    private static Pairing ParsePairing((string Value, SourceLocation At) value, List<ValidationError> errors)
    {
        foreach (Pairing pairing in Enum.GetValues<Pairing>().Where(p => p != Pairing.None))
        {
            if (Kebab(pairing) == value.Value)
            {
                return pairing;
            }
        }

        IEnumerable<string> names = Enum.GetValues<Pairing>().Where(p => p != Pairing.None).Select(Kebab);
        errors.Add(new ValidationError($"pairing must be one of {string.Join(", ", names)}, not '{value.Value}'{Names.DidYouMean(value.Value, names)}", value.At));
        return Pairing.ByKey;
    }

    private static Grouping ParseGrouping((string Value, SourceLocation At) value, List<ValidationError> errors)
    {
        switch (value.Value)
        {
            case "source":
                return Grouping.Source;
            case "all":
                return Grouping.All;
            default:
                errors.Add(new ValidationError($"group must be 'source' (the items of each source item) or 'all', not '{value.Value}'", value.At));
                return Grouping.Source;
        }
    }

    /// <summary>The recipe spelling of a pairing.</summary>
    public static string Kebab(Pairing pairing) => pairing.ToRecipeName();

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
            foreach ((string id, _) in spec.Upstream)
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

    private sealed class StepShape
    {
        public Pairing Pairing { get; set; }

        public int? OnePort { get; set; }

        public Grouping Grouping { get; set; }
    }
}
