using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>Registers the diffusion input and blocks.</summary>
public static class DiffusionModule
{
    /// <summary>Adds the <c>prompts</c> input and the <c>diffuse</c> and <c>interpolate</c> GPU steps to <paramref name="catalog"/>.</summary>
    public static IBlockCatalog Register(IBlockCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .AddSource("prompts", (PromptsSourceOptions o, BlockServices s) => new PromptsSource(o), "Listed text prompts, one item each (key 001_slug-of-the-prompt).")
            .Add("diffuse", (DiffuseOptions o, BlockServices s) => new DiffuseBlock(o), "Stable Diffusion on ONNX Runtime: text-to-image for any item (prompt template over its metadata), img2img for a spectrogram image.", ExecutionKind.Gpu)
            .Add("interpolate", (InterpolateOptions o, BlockServices s) => new InterpolateBlock(o), "Riffusion interpolation on a seed image: N frames between two prompts/seeds (join them into one track).", ExecutionKind.Gpu);
    }
}
