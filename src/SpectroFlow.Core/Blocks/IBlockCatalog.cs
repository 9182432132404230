namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Where domain modules (Audio, Imaging…) register their blocks without referencing the engine: one line per block,
/// e.g. <c>catalog.Add("decode", (DecodeOptions o, BlockServices s) =&gt; new DecodeBlock(o), "…")</c>.
/// The engine's registry implements it.
/// </summary>
public interface IBlockCatalog
{
    /// <summary>Registers a one-in-one-out block.</summary>
    IBlockCatalog Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull;

    /// <summary>Registers a one-in-many-out block.</summary>
    IBlockCatalog Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IExpandingBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull;

    /// <summary>Registers a stateful stream block.</summary>
    IBlockCatalog Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IStreamBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull;

    /// <summary>Registers an item source (used under <c>inputs:</c>).</summary>
    IBlockCatalog AddSource<TOptions, TOut>(string name, Func<TOptions, BlockServices, IItemSource<TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Io)
        where TOptions : class, IBlockOptions
        where TOut : notnull;
}
