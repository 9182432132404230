using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Recipes;

/// <summary>An input or step as read from the recipe, before the graph is linked and checked.</summary>
internal sealed class StepSpec
{
    public string Id { get; set; } = string.Empty;

    public SourceLocation Location { get; init; }

    public SourceLocation IdLocation { get; set; }

    public bool IsSource { get; init; }

    public BlockDescriptor? Block { get; set; }

    public IBlockOptions? Options { get; set; }

    /// <summary>Upstream step ids of <c>from:</c> (all feed the block's one port, or both ports of a window).</summary>
    public List<(string Id, SourceLocation At)> From { get; } = [];

    /// <summary><c>inputs: {port: step}</c> of a pair block.</summary>
    public List<(string Port, SourceLocation PortAt, string Id, SourceLocation At)> Inputs { get; } = [];

    public SourceLocation? InputsLocation { get; set; }

    public (string Value, SourceLocation At)? Pairing { get; set; }

    public (string Value, SourceLocation At)? One { get; set; }

    public (string Value, SourceLocation At)? Group { get; set; }

    public int? Parallelism { get; set; }

    public int? Capacity { get; set; }

    public SourceLocation CapacityLocation { get; set; }

    /// <summary>Every upstream id with where it is named, from <c>from:</c> or <c>inputs:</c>.</summary>
    public IEnumerable<(string Id, SourceLocation At)> Upstream =>
        From.Concat(Inputs.Select(i => (i.Id, i.At)));
}
