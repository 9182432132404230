using System.CommandLine;
using System.Globalization;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>riff --model DIR --from "..." --to "..." --frames N OUT.mp3</c>: Riffusion's interpolation. Frame i is riffuse()
/// at alpha = i/(N−1) on the seed image (text embeddings lerped, the two seeds' noises slerped, guidance and strength
/// lerped); the frames are joined into one phase-continuous track.
/// </summary>
internal static class RiffCommand
{
    private static readonly string[] s_bundledSeeds = ["og_beat", "agile", "marim", "motorway", "vibes"];

    public static Command Create(CliContext context)
    {
        var output = new Argument<string>("output") { Description = "OUT.mp3 or OUT.wav (all frames joined); OUT.png with --alpha (one frame)" };
        var from = new Option<string>("--from") { Description = "Prompt at alpha 0", Required = true };
        var to = new Option<string>("--to") { Description = "Prompt at alpha 1", Required = true };
        var seedFrom = new Option<uint>("--seed-from") { Description = "Seed of the noise at alpha 0", DefaultValueFactory = _ => 0 };
        var seedTo = new Option<uint?>("--seed-to") { Description = "Seed of the noise at alpha 1 (default: --seed-from)" };
        var frames = new Option<int>("--frames") { Description = "Frames from alpha 0 to 1 (each 5.1 s at width 512)", DefaultValueFactory = _ => 4 };
        var alpha = new Option<double?>("--alpha") { Description = "Make one frame at this alpha instead of a sequence" };
        var denoisingFrom = new Option<double>("--denoising-from") { Description = "img2img strength at alpha 0", DefaultValueFactory = _ => 0.75 };
        var denoisingTo = new Option<double>("--denoising-to") { Description = "img2img strength at alpha 1", DefaultValueFactory = _ => 0.75 };
        var guidanceFrom = new Option<double>("--guidance-from") { Description = "Guidance at alpha 0", DefaultValueFactory = _ => 7.0 };
        var guidanceTo = new Option<double>("--guidance-to") { Description = "Guidance at alpha 1", DefaultValueFactory = _ => 7.0 };
        var seedImage = new Option<string>("--seed-image") { Description = $"Init image: a PNG file or a bundled seed ({string.Join(", ", s_bundledSeeds)})", DefaultValueFactory = _ => "og_beat" };
        var mask = new Option<string?>("--mask") { Description = "Optional mask PNG: white repaints, black keeps the seed image" };
        var noiseFrom = new Option<string?>("--noise-from") { Description = "Noise at alpha 0 as raw float32 [1,4,H/8,W/8], replacing --seed-from's" };
        var noiseTo = new Option<string?>("--noise-to") { Description = "Noise at alpha 1 as raw float32, replacing --seed-to's" };
        var framesDir = new Option<string?>("--frames-dir") { Description = "Also write every frame as frame_01.png, frame_02.png … in this folder" };
        var shared = new DiffusionArguments();
        var command = new Command("riff", "Riffusion interpolation between two prompts and seeds on a seed image, joined into one track")
        {
            output, from, to, seedFrom, seedTo, frames, alpha, denoisingFrom, denoisingTo, guidanceFrom, guidanceTo, seedImage, mask, noiseFrom, noiseTo, framesDir,
        };
        shared.AddTo(command, size: false);
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string outputPath = result.GetRequiredValue(output);
            double? single = result.GetValue(alpha);
            int frameCount = single is null ? result.GetValue(frames) : 1;
            if (frameCount is < 1 or > 10000)
            {
                throw new UsageException($"--frames: '{frameCount}' is not a whole number from 1 to 10000");
            }

            if (single is { } a && !(a >= 0 && a <= 1))
            {
                throw new UsageException($"--alpha: '{a}' must be between 0 and 1");
            }

            DiffusionArguments.CheckOutput(outputPath, allowPng: single is not null, result.GetValue(shared.Bitrate));
            SpectrogramImage seed = SpectrogramPng.ReadAnyHeight(ResolveSeed(result.GetRequiredValue(seedImage)));
            DiffusionSettings settings = shared.Settings(result, seed.Width, seed.Height, result.GetValue(guidanceFrom), seed.Name);
            float[] init = ImageTensors.FromRgb(seed.Rgb, seed.Width, seed.Height);
            float[]? repaint = result.GetValue(mask) is { } maskPath ? RemixCommand.ReadMask(maskPath, seed.Width, seed.Height) : null;
            string shape = $"[1,4,{settings.LatentHeight},{settings.LatentWidth}]";
            float[]? startNoise = DiffusionArguments.ReadTensor(result.GetValue(noiseFrom), settings.LatentLength, shape);
            float[]? endNoise = DiffusionArguments.ReadTensor(result.GetValue(noiseTo), settings.LatentLength, shape);
            string? frameFolder = result.GetValue(framesDir);
            if (frameFolder is not null)
            {
                OutputTarget.Folder(frameFolder);
                Directory.CreateDirectory(frameFolder);
            }

            uint startSeed = result.GetValue(seedFrom);
            var start = new PromptSide(result.GetRequiredValue(from), startSeed, result.GetValue(guidanceFrom), result.GetValue(denoisingFrom));
            var end = new PromptSide(result.GetRequiredValue(to), result.GetValue(seedTo) ?? startSeed, result.GetValue(guidanceTo), result.GetValue(denoisingTo));
            using StableDiffusionModel model = shared.Load(result, context);
            var pipeline = new StableDiffusionPipeline(model, line => context.Error.WriteLine($"warning: {line}"));
            var parts = new List<JoinPart>(frameCount);
            SpectrogramImage? last = null;
            for (int i = 0; i < frameCount; i++)
            {
                double at = single ?? (frameCount == 1 ? 0 : i / (double)(frameCount - 1));
                DiffusionResult generated = pipeline.Interpolate(
                    new InterpolationRequest
                    {
                        Start = start,
                        End = end,
                        Alpha = at,
                        InitImage = init,
                        Settings = settings,
                        RepaintMask = repaint,
                        StartNoise = startNoise,
                        EndNoise = endNoise,
                    },
                    new ProgressObserver(context),
                    cancellationToken);
                shared.MaybeSaveLatents(result, generated);
                string name = string.Create(CultureInfo.InvariantCulture, $"frame_{i + 1:00}");
                last = generated.ToSpectrogram(name);
                if (frameFolder is not null)
                {
                    SpectrogramPng.Write(Path.Combine(frameFolder, name + ".png"), last);
                }

                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frame {i + 1}/{frameCount}: alpha {at:0.###}"));
                parts.Add(new JoinPart(SpectrogramImageMapper.ToMel(last), name));
            }

            if (single is not null && Path.GetExtension(outputPath).Equals(".png", StringComparison.OrdinalIgnoreCase))
            {
                SpectrogramPng.Write(outputPath, last!);
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outputPath}: {last!.Width}x{last.Height} spectrogram"));
                return;
            }

            MelSpectrogram track = JoinedInversion.Join(parts, 0);
            AudioClip audio = JoinedInversion.Invert(
                new SpectrogramConverter(track.Parameters) { MaxDegreeOfParallelism = 0 },
                track,
                shared.InversionOptions(result, startSeed),
                Path.GetFileNameWithoutExtension(outputPath),
                cancellationToken);
            context.Out.WriteLine(DiffusionArguments.WriteAudio(OutputLevelling.Apply(audio, shared.Inversion.LevellingValue(result)), outputPath, result.GetValue(shared.Bitrate)));
        }));
        return command;
    }

    /// <summary>A path as given, or a bundled seed image by name (shipped beside the program).</summary>
    internal static string ResolveSeed(string nameOrPath)
    {
        if (File.Exists(nameOrPath) || nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            return nameOrPath;
        }

        string bundled = Path.Combine(AppContext.BaseDirectory, "seed_images", nameOrPath + ".png");
        return File.Exists(bundled)
            ? bundled
            : throw new UsageException($"--seed-image: '{nameOrPath}' is neither a file nor a bundled seed ({string.Join(", ", s_bundledSeeds)})");
    }
}
