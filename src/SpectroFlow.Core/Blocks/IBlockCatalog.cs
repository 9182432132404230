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

    /// <summary>
    /// Registers a filter: an expanding block that yields each input at most once (or leaves it out with
    /// <see cref="BlockContext.LeaveOut"/>). What it yields is the same item, with the same key, seed and position,
    /// not a child, so adding a filter to a recipe changes no key, seed or output after it.
    /// </summary>
    IBlockCatalog AddFilter<TOptions, T>(string name, Func<TOptions, BlockServices, IExpandingBlock<T, T>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where T : notnull;

    /// <summary>
    /// Registers a block that combines two items (crossfade, blend, image with mask). The recipe feeds its two ports
    /// with <c>inputs: {first: step, second: step}</c> (or one stream with <c>pairing: window</c>) and says how to pair.
    /// </summary>
    IBlockCatalog AddPair<TOptions, TA, TB, TOut>(string name, Func<TOptions, BlockServices, IPairBlock<TA, TB, TOut>> factory, string description, string firstPort = "a", string secondPort = "b", ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TA : notnull
        where TB : notnull
        where TOut : notnull;

    /// <summary>
    /// Registers a block that makes any number of items from two (in-between frames of a blend, interpolation frames);
    /// the recipe feeds and pairs its ports as for <see cref="AddPair"/>.
    /// </summary>
    IBlockCatalog AddExpandingPair<TOptions, TA, TB, TOut>(string name, Func<TOptions, BlockServices, IExpandingPairBlock<TA, TB, TOut>> factory, string description, string firstPort = "a", string secondPort = "b", ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TA : notnull
        where TB : notnull
        where TOut : notnull;

    /// <summary>Registers a block that combines a group of items into one (join, concat); <c>group: source|all</c> in the recipe.</summary>
    IBlockCatalog AddGroup<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IGroupBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull;

    /// <summary>Registers an item source (used under <c>inputs:</c>).</summary>
    IBlockCatalog AddSource<TOptions, TOut>(string name, Func<TOptions, BlockServices, IItemSource<TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Io)
        where TOptions : class, IBlockOptions
        where TOut : notnull;
}
