using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Sources;

namespace SpectroFlow.Engine;

/// <summary>Registers the engine's own inputs (domain projects register their blocks in their own modules).</summary>
public static class EngineModule
{
    /// <summary>Adds <c>folder</c> and <c>file</c>.</summary>
    public static BlockRegistry AddEngineBlocks(this BlockRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddSource("folder", (FolderSourceOptions o, BlockServices _) => new FolderSource(o), "Files of a folder matching globs, in natural order (clip_2 before clip_10).");
        registry.AddSource("file", (FileSourceOptions o, BlockServices _) => new FileSource(o), "One file (what the single-file commands convert).");
        registry.AddSource("files", (FilesSourceOptions o, BlockServices _) => new FilesSource(o), "Listed files, in the order listed (what join reads).");
        return registry;
    }
}
