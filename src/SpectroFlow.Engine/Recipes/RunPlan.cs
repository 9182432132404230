using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Recipes;

/// <summary>A validated recipe, ready to run: steps in dependency order with bound options.</summary>
public sealed class RunPlan
{
    internal RunPlan(string file, ulong seed, string outputRoot, string inputRoot, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<PlannedStep> steps, IReadOnlyList<string> includedFiles)
    {
        File = file;
        IncludedFiles = includedFiles;
        Seed = seed;
        OutputRoot = outputRoot;
        InputRoot = inputRoot;
        Parameters = parameters;
        Steps = steps;
    }

    /// <summary>The recipe file as the user named it.</summary>
    public string File { get; }

    /// <summary>The files the recipe includes, directly or through other includes, in merge order (named as in messages).</summary>
    public IReadOnlyList<string> IncludedFiles { get; }

    /// <summary>The recipe seed (after <c>--set seed=…</c>).</summary>
    public ulong Seed { get; }

    /// <summary>Absolute output root.</summary>
    public string OutputRoot { get; }

    /// <summary>Absolute folder relative input paths are resolved against (the recipe's folder).</summary>
    public string InputRoot { get; }

    /// <summary>Parameter values after overrides.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>Inputs and steps, every step after all of its upstreams.</summary>
    public IReadOnlyList<PlannedStep> Steps { get; }

    /// <summary>
    /// True when the run also writes <c>report.html</c> in the output root (<c>report: true</c>). Not part of the recipe
    /// hash: turning the report on or off does not redo any item.
    /// </summary>
    public bool Report { get; init; }

    /// <summary>
    /// Why this plan cannot be split into shards (a step combines items across the whole run), or null when it can.
    /// </summary>
    public string? ShardingProblem => PlanShape.WhyNotShardable(this);
}

/// <summary>One input or step of a <see cref="RunPlan"/>.</summary>
public sealed class PlannedStep
{
    internal PlannedStep(string id, BlockDescriptor block, IBlockOptions options, IReadOnlyList<string> upstream, int parallelism, int capacity, bool keep, SourceLocation location)
    {
        Id = id;
        Block = block;
        Options = options;
        Upstream = upstream;
        Parallelism = parallelism;
        Capacity = capacity;
        Keep = keep;
        Location = location;
    }

    /// <summary>The step id.</summary>
    public string Id { get; }

    /// <summary>The block it uses.</summary>
    public BlockDescriptor Block { get; }

    /// <summary>The bound, validated options.</summary>
    public IBlockOptions Options { get; }

    /// <summary>The steps it reads from (empty for sources).</summary>
    public IReadOnlyList<string> Upstream { get; }

    /// <summary>Items processed at once.</summary>
    public int Parallelism { get; }

    /// <summary>Items held at once (queued plus in progress).</summary>
    public int Capacity { get; }

    /// <summary>True when the step's outputs are kept in the run report (<c>outputs.keep</c>).</summary>
    public bool Keep { get; }

    /// <summary>Where the step is declared.</summary>
    public SourceLocation Location { get; }

    /// <summary>The upstream steps with the port each feeds (a window feeds both ports of a pair from port index 0).</summary>
    public IReadOnlyList<PlannedInput> Inputs { get; init; } = [];

    /// <summary>How a pair step pairs its ports (<see cref="Recipes.Pairing.None"/> for other steps).</summary>
    public Pairing Pairing { get; init; }

    /// <summary>The port index whose single item pairs with every item of the other, for <see cref="Pairing.EachWithOne"/>.</summary>
    public int? OnePort { get; init; }

    /// <summary>What a group (or a window) spans.</summary>
    public Grouping Grouping { get; init; }

    /// <summary>What the recipe knows of the format of this step's outputs.</summary>
    public PayloadFormat Format { get; init; } = PayloadFormat.Unknown;

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Block.Name})";
}

/// <summary>One upstream of a step: the step it reads and the port it feeds.</summary>
/// <param name="StepId">The upstream step.</param>
/// <param name="Port">Index into the block's ports.</param>
public sealed record PlannedInput(string StepId, int Port);

/// <summary>What a plan's combining steps mean for resume and sharding.</summary>
internal static class PlanShape
{
    /// <summary>True when some step combines items of different source items (joins across sources).</summary>
    public static bool CombinesSources(RunPlan plan) => plan.Steps.Any(s =>
        s.Pairing is Pairing.ByKey or Pairing.Zip or Pairing.EachWithOne
        || (s.Grouping == Grouping.All && s.Pairing is Pairing.Window or Pairing.None && s.Block.Shape is Registry.BlockShape.Pair or Registry.BlockShape.Group));

    /// <summary>
    /// Why the plan cannot be split into shards, or null: a shard must hold whole groups, which only by-key pairing can
    /// promise (items are sharded by their key within their input, so <c>a/x.wav</c> and <c>b/x.wav</c> stay together).
    /// </summary>
    public static string? WhyNotShardable(RunPlan plan) =>
        plan.Steps.FirstOrDefault(s => s.Pairing is Pairing.Zip or Pairing.EachWithOne || (s.Grouping == Grouping.All && s.Block.Shape is Registry.BlockShape.Pair or Registry.BlockShape.Group)) is { } step
            ? $"step '{step.Id}' ({step.Block.Name}) combines items across the whole run ({(step.Pairing is Pairing.None or Pairing.Window ? "group: all" : "pairing: " + RecipeGraph.Kebab(step.Pairing))}), so the run cannot be split into shards"
            : null;

    /// <summary>True when shards are chosen by the key within the input (by-key pairing), so paired items share a shard.</summary>
    public static bool ShardsByInputKey(RunPlan plan) => plan.Steps.Any(s => s.Pairing == Pairing.ByKey);
}
