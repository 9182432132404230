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

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Block.Name})";
}
