using System.CommandLine;
using SpectroFlow.Diffusion.Pipelines;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>generate --model DIR --prompt "..." OUT.(png|wav|mp3)</c>: text to spectrogram with a Stable Diffusion 1.x ONNX
/// model; an audio output also runs the inversion. The PNG carries Riffusion's EXIF.
/// </summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Argument<string>("output") { Description = "OUT.png (spectrogram with EXIF), OUT.wav or OUT.mp3 (inverted)" };
        var prompt = new Option<string>("--prompt") { Description = "What to generate, e.g. \"lofi hip hop beat, 90 bpm\"", Required = true };
        var negative = new Option<string>("--negative") { Description = "Negative prompt (the unconditional side of guidance)", DefaultValueFactory = _ => string.Empty };
        var seed = new Option<uint>("--seed") { Description = "Seed of the starting noise (numpy RandomState(seed).standard_normal, as diffusers' ONNX pipeline)", DefaultValueFactory = _ => 0 };
        var initNoise = new Option<string?>("--init-noise") { Description = "Starting latents [1,4,H/8,W/8] as raw little-endian float32, replacing the seed's noise" };
        var stepNoise = new Option<string?>("--step-noise") { Description = "Ancestral schedulers: per-call noise [calls,1,4,H/8,W/8] as raw little-endian float32" };
        var initImage = new Option<string?>("--init-image") { Description = "img2img: start from this image (PNG/JPEG/BMP/WebP; sets the size)" };
        var strength = new Option<double>("--strength") { Description = "img2img: how much changes, 0-1", DefaultValueFactory = _ => 0.75 };
        var legacy = new Option<bool>("--legacy-strength") { Description = "img2img: Riffusion's legacy strength rule (for parity)" };
        var mask = new Option<string?>("--mask") { Description = "img2img: mask PNG, white repaints, black keeps" };
        var eta = new Option<double>("--eta") { Description = "DDIM's eta (0 = deterministic)", DefaultValueFactory = _ => 0 };
        var shared = new DiffusionArguments();
        var command = new Command("generate", "Generate a spectrogram (and its audio) from a text prompt with a Riffusion-style Stable Diffusion ONNX model")
        {
            output, prompt, negative, seed, initNoise, stepNoise, initImage, strength, legacy, mask, eta, shared.Guidance,
        };
        shared.AddTo(command);
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string outputPath = result.GetRequiredValue(output);
            Core.Items.SpectrogramImage? init = result.GetValue(initImage) is { } initPath ? Imaging.SpectrogramPng.ReadAnyHeight(initPath) : null;
            DiffusionSettings settings = shared.Settings(result, init?.Width, init?.Height, sizeFrom: init?.Name) with { Eta = result.GetValue(eta) };
            double strengthValue = result.GetValue(strength);
            if (!(strengthValue >= 0 && strengthValue <= 1))
            {
                throw new UsageException($"--strength: '{strengthValue}' must be between 0 and 1");
            }

            if (init is null && (result.GetValue(mask) is not null || result.GetResult(strength) is { Implicit: false } || result.GetValue(legacy)))
            {
                throw new UsageException("--strength, --legacy-strength and --mask need --init-image");
            }

            float[]? repaint = result.GetValue(mask) is { } maskPath ? RemixCommand.ReadMask(maskPath, settings.Width, settings.Height) : null;
            DiffusionArguments.CheckOutput(outputPath, allowPng: true, result.GetValue(shared.Bitrate));
            float[]? noise = DiffusionArguments.ReadTensor(result.GetValue(initNoise), settings.LatentLength, $"[1,4,{settings.LatentHeight},{settings.LatentWidth}]");
            using StableDiffusionModel model = shared.Load(result, context);
            float[]? perStep = result.GetValue(stepNoise) is { } stepFile
                ? ImageTensors.ReadRaw(stepFile, StepCount(model, settings) * settings.LatentLength, $"[calls,1,4,{settings.LatentHeight},{settings.LatentWidth}]")
                : null;
            var pipeline = new StableDiffusionPipeline(model, line => context.Error.WriteLine($"warning: {line}"));
            uint seedValue = result.GetValue(seed);
            DiffusionResult generated = pipeline.Generate(
                new DiffusionRequest
                {
                    Prompt = result.GetRequiredValue(prompt),
                    NegativePrompt = result.GetValue(negative) ?? string.Empty,
                    Seed = seedValue,
                    Settings = settings,
                    InitNoise = noise,
                    StepNoise = perStep,
                    InitImage = init is null ? null : ImageTensors.FromRgb(init.Rgb, init.Width, init.Height),
                    Strength = strengthValue,
                    Rule = result.GetValue(legacy) ? StrengthRule.Legacy : StrengthRule.Modern,
                    RepaintMask = repaint,
                },
                new ProgressObserver(context),
                cancellationToken);
            shared.MaybeSaveLatents(result, generated);
            string written = DiffusionArguments.WriteImageOrAudio(
                generated.ToSpectrogram(Path.GetFileNameWithoutExtension(outputPath)),
                outputPath,
                shared.InversionOptions(result, seedValue),
                shared.Inversion.LevellingValue(result),
                result.GetValue(shared.Bitrate),
                cancellationToken);
            context.Out.WriteLine(written);
        }));
        return command;
    }

    private static int StepCount(StableDiffusionModel model, DiffusionSettings settings) =>
        Diffusion.Schedulers.SchedulerFactory.Create(settings.Scheduler, model.SchedulerConfig, settings.Steps).CallCount;
}

/// <summary>Logs denoising progress: about ten lines per generation (every step with --verbose).</summary>
internal sealed class ProgressObserver(CliContext context) : IDiffusionObserver
{
    public void Step(int call, int calls, ReadOnlySpan<float> latents)
    {
        int every = Math.Max(1, calls / 10);
        if ((call + 1) % every == 0 || call + 1 == calls)
        {
            context.Logger.Information("step {Call}/{Calls}", call + 1, calls);
        }
        else
        {
            context.Logger.Debug("step {Call}/{Calls}", call + 1, calls);
        }
    }
}
