namespace SpectroFlow.Engine.Registry;

/// <summary>How a registered block processes items (decides the Dataflow adapter).</summary>
public enum BlockShape
{
    /// <summary>An <see cref="Core.Blocks.IItemSource{TOut}"/>: produces the run's items.</summary>
    Source,

    /// <summary>An <see cref="Core.Blocks.IBlock{TIn, TOut}"/>: one in, one out.</summary>
    Transform,

    /// <summary>An <see cref="Core.Blocks.IExpandingBlock{TIn, TOut}"/>: one in, many out.</summary>
    Expanding,

    /// <summary>An <see cref="Core.Blocks.IPairBlock{TA, TB, TOut}"/>: two named inputs paired by the engine, one out.</summary>
    Pair,

    /// <summary>An <see cref="Core.Blocks.IGroupBlock{TIn, TOut}"/>: a group of items in natural order, one out.</summary>
    Group,
}
