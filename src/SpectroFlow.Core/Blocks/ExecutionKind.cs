namespace SpectroFlow.Core.Blocks;

/// <summary>What limits a block, which sets its default parallelism (a recipe step may override it).</summary>
public enum ExecutionKind
{
    /// <summary>CPU-bound: default parallelism = processor count.</summary>
    Cpu,

    /// <summary>Holds a GPU/ONNX session: default parallelism 1.</summary>
    Gpu,

    /// <summary>Waits on disk or network: default parallelism 8.</summary>
    Io,
}
