using SpectroFlow.Core.Blocks;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;

namespace SpectroFlow.Diffusion.Blocks;

/// <summary>
/// One loaded model per (folder, device) per run, shared by every block and item through the run's
/// <see cref="SharedResources"/> (disposed by the engine at the end of the run), loaded on the first item.
/// </summary>
internal static class SharedModels
{
    public static StableDiffusionModel Get(RunContext run, string folder, ComputeDevice device) =>
        run.Resources.GetOrCreate(
            $"diffusion-model:{device}:{folder}",
            () => StableDiffusionModel.Load(folder, device, line => run.Log($"warning: {line}")));

    /// <summary>A 32-bit noise seed from an item's 64-bit seed (the generator takes numpy's 32-bit seeds).</summary>
    public static uint NoiseSeed(ulong seed) => (uint)(seed ^ (seed >> 32));
}
