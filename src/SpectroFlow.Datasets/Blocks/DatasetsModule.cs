using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Datasets.Blocks;

/// <summary>Registers the training-set input and blocks (Jamendo, downloads, selection, captions, dataset writers).</summary>
public static class DatasetsModule
{
    /// <summary>Adds the dataset input and blocks to <paramref name="catalog"/>.</summary>
    public static IBlockCatalog Register(IBlockCatalog catalog, DatasetServices services)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(services);
        return catalog
            .Add("write-dataset", (WriteDatasetOptions o, BlockServices s) => new WriteDatasetBlock(o, services, s), "Writes 512x512 spectrogram slices as a diffusers, DreamBooth or kohya training set with captions, credits and a dataset card.", ExecutionKind.Io);
    }
}
