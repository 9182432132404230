using SpectroFlow.Audio.Blocks;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Diffusion.Blocks;
using SpectroFlow.Engine;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Imaging.Blocks;

namespace SpectroFlow.Cli;

/// <summary>The one place the CLI's block registry is built (each domain module adds one line here).</summary>
internal static class BlockCatalog
{
    public static BlockRegistry Create()
    {
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        AudioModule.Register(registry);
        ImagingModule.Register(registry);
        DiffusionModule.Register(registry);
        DatasetsModule.Register(registry, DatasetServicesFactory.Create());
        return registry;
    }
}
