using SpectroFlow.Engine;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Cli;

/// <summary>The one place the CLI's block registry is built (each domain module adds one line here).</summary>
internal static class BlockCatalog
{
    public static BlockRegistry Create() => new BlockRegistry()
        .AddEngineBlocks();
}
