using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

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
            .AddSource("jamendo", (JamendoSourceOptions o, BlockServices s) => new JamendoSource(o), "Jamendo tracks (by id) that may be downloaded under a Creative Commons licence; the others are left out with a reason.")
            .Add("download", (DownloadOptions o, BlockServices s) => new DownloadBlock(o, services, s), "Downloads a Jamendo track to {folder}/{id}.{ext}, resumes cut-short bodies, verifies it by decoding; keeps a finished file.", ExecutionKind.Io)
            .AddFilter("select", (SelectOptions o, BlockServices s) => new SelectBlock<AudioClip>(o), "Passes on clips whose metadata meets every condition (tempo, duration, tags, licence, vocal), leaving out the rest with the reason.")
            .Add("write-dataset", (WriteDatasetOptions o, BlockServices s) => new WriteDatasetBlock(o, services, s), "Writes 512x512 spectrogram slices as a diffusers, DreamBooth or kohya training set with captions, credits and a dataset card.", ExecutionKind.Io);
    }
}
