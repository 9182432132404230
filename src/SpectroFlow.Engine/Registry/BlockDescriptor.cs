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
        Type? inputType,
        Type outputType,
        Func<IBlockOptions, BlockServices, object> create)
    {
        Name = name;
        Description = description;
        Shape = shape;
        Kind = kind;
        OptionsType = optionsType;
        InputType = inputType;
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

    /// <summary>The payload type accepted; null for sources.</summary>
    public Type? InputType { get; }

    /// <summary>The payload type produced.</summary>
    public Type OutputType { get; }

    /// <summary>The options keys, kinds and ranges.</summary>
    public IReadOnlyList<OptionProperty> Options { get; }

    internal Func<IBlockOptions, BlockServices, object> Create { get; }

    internal Func<object, object, BlockContext, CancellationToken, ValueTask<object>>? Transform { get; init; }

    internal Func<object, object, BlockContext, CancellationToken, IAsyncEnumerable<ItemOutput<object>>>? Expand { get; init; }

    internal Func<object, IAsyncEnumerable<WorkItem>, RunContext, CancellationToken, IAsyncEnumerable<WorkItem>>? Stream { get; init; }

    internal Func<object, RunContext, CancellationToken, IAsyncEnumerable<WorkItem>>? Read { get; init; }

    /// <summary>Default parallelism for <see cref="Kind"/> on this machine.</summary>
    public int DefaultParallelism => Shape is BlockShape.Source or BlockShape.Stream ? 1 : Kind switch
    {
        ExecutionKind.Gpu => 1,
        ExecutionKind.Io => 8,
        _ => Environment.ProcessorCount,
    };

    /// <summary>True when a step producing <paramref name="upstream"/> may feed this block.</summary>
    public bool Accepts(Type upstream) => InputType is not null && InputType.IsAssignableFrom(upstream);
}
