using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Registry;

/// <summary>A registered block or source: name, shape, payload types, options and how to build and call it.</summary>
public sealed class BlockDescriptor
{
    internal BlockDescriptor(
        string name,
        string description,
        BlockShape shape,
        ExecutionKind kind,
        Type optionsType,
        IReadOnlyList<BlockPort> ports,
        Type outputType,
        Func<IBlockOptions, BlockServices, object> create)
    {
        Name = name;
        Description = description;
        Shape = shape;
        Kind = kind;
        OptionsType = optionsType;
        Ports = ports;
        OutputType = outputType;
        Create = create;
        Options = OptionProperty.For(optionsType);
    }

    /// <summary>The kebab-case name used by <c>use:</c>.</summary>
    public string Name { get; }

    /// <summary>One line for <c>list-blocks</c> and the schema.</summary>
    public string Description { get; }

    /// <summary>How the block processes items.</summary>
    public BlockShape Shape { get; }

    /// <summary>What limits the block (sets default parallelism).</summary>
    public ExecutionKind Kind { get; }

    /// <summary>The options class.</summary>
    public Type OptionsType { get; }

    /// <summary>
    /// The named inputs and their payload types: none for sources, one (<c>in</c>) for most blocks, two for pair blocks
    /// (fed with <c>inputs: {port: step}</c>).
    /// </summary>
    public IReadOnlyList<BlockPort> Ports { get; }

    /// <summary>The payload type accepted by a one-input block (or the first port of a pair); null for sources.</summary>
    public Type? InputType => Ports.Count > 0 ? Ports[0].Type : null;

    /// <summary>The payload type produced.</summary>
    public Type OutputType { get; }

    /// <summary>The options keys, kinds and ranges.</summary>
    public IReadOnlyList<OptionProperty> Options { get; }

    internal Func<IBlockOptions, BlockServices, object> Create { get; }

    internal Func<object, object, BlockContext, CancellationToken, ValueTask<object>>? Transform { get; init; }

    internal Func<object, object, BlockContext, CancellationToken, IAsyncEnumerable<ItemOutput<object>>>? Expand { get; init; }

    /// <summary>A filter (<see cref="BlockRegistry.AddFilter"/>): what it yields keeps the input item's key, seed and position.</summary>
    public bool PassesItemThrough { get; init; }

    internal Func<object, WorkItem, WorkItem, BlockContext, CancellationToken, ValueTask<object>>? Pair { get; init; }

    internal Func<object, WorkItem, WorkItem, BlockContext, CancellationToken, IAsyncEnumerable<ItemOutput<object>>>? ExpandPair { get; init; }

    /// <summary>True for a pair block that makes any number of items from each pair (an <see cref="IExpandingPairBlock{TA, TB, TOut}"/>).</summary>
    public bool ExpandsPairs => ExpandPair is not null;

    internal Func<object, IAsyncEnumerable<WorkItem>, BlockContext, CancellationToken, ValueTask<object>>? Group { get; init; }

    internal Func<object, RunContext, CancellationToken, IAsyncEnumerable<SourceItem<object>>>? Read { get; init; }

    /// <summary>Default parallelism for <see cref="Kind"/> on this machine.</summary>
    public int DefaultParallelism => Shape is BlockShape.Source or BlockShape.Group ? 1 : Kind switch
    {
        ExecutionKind.Gpu => 1,
        ExecutionKind.Io => 8,
        _ => Environment.ProcessorCount,
    };

    /// <summary>The port named <paramref name="name"/>, or null.</summary>
    public BlockPort? Port(string name) => Ports.FirstOrDefault(p => p.Name == name);
}

/// <summary>One named input of a block.</summary>
/// <param name="Name">The port name used in a step's <c>inputs:</c>.</param>
/// <param name="Type">The payload type it accepts (a step producing a subtype may feed it).</param>
public sealed record BlockPort(string Name, Type Type)
{
    /// <summary>True when a step producing <paramref name="upstream"/> may feed this port.</summary>
    public bool Accepts(Type upstream) => Type.IsAssignableFrom(upstream);
}
