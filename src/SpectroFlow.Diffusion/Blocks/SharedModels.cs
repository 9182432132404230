using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Diffusion.Schedulers;

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

/// <summary>The options every diffusion step has: the model, where it runs, steps and scheduler.</summary>
public abstract class DiffusionModelOptions : IBlockOptions
{
    /// <summary>The Stable Diffusion 1.x ONNX folder.</summary>
    [Description("Stable Diffusion 1.x ONNX folder (an optimum or diffusers export of riffusion/riffusion-model-v1).")]
    public required InputPath Model { get; init; }

    /// <summary>Inference steps.</summary>
    [Range(1, 1000)]
    [Description("Inference steps (PNDM makes one more UNet call).")]
    public int Steps { get; init; } = 50;

    /// <summary>Scheduler name.</summary>
    [Description("pndm (Riffusion's), ddim, euler, euler-ancestral, lms or dpmpp2m.")]
    public string Scheduler { get; init; } = "pndm";

    /// <summary>Where the model runs.</summary>
    [Description("auto (CUDA when it loads, else CPU with one log line), cpu or cuda.")]
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <inheritdoc/>
    public virtual void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!SchedulerFactory.Names.Contains(Scheduler))
        {
            errors.Add("scheduler", $"unknown scheduler '{Scheduler}' (known: {string.Join(", ", SchedulerFactory.Names)})");
        }
    }

    /// <summary>Adds a problem for <paramref name="key"/> when <paramref name="template"/> is malformed.</summary>
    protected static void CheckTemplate(ValidationErrors errors, string key, string template)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (PromptTemplate.Check(template) is { } problem)
        {
            errors.Add(key, problem);
        }
    }
}
