using System.CommandLine;
using System.Globalization;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Diffusion.Onnx;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Diffusion.Schedulers;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>The options the diffusion commands share (model, device, steps, scheduler, size) and their output writing.</summary>
internal sealed class DiffusionArguments
{
    public Option<string> Model { get; } = new("--model") { Description = "Stable Diffusion 1.x ONNX folder (e.g. an optimum export of riffusion/riffusion-model-v1)", Required = true };

    public Option<string> Device { get; } = new("--device") { Description = "auto (CUDA when it loads, else CPU with one log line), cpu or cuda", DefaultValueFactory = _ => "auto" };

    public Option<int> Steps { get; } = new("--steps") { Description = "Inference steps (PNDM makes one more UNet call)", DefaultValueFactory = _ => 50 };

    public Option<double> Guidance { get; } = new("--guidance") { Description = "Classifier-free guidance scale (1 or less: no guidance)", DefaultValueFactory = _ => 7.0 };

    public Option<string> Scheduler { get; } = new("--scheduler") { Description = "pndm (Riffusion's), ddim, euler, euler-ancestral, lms or dpmpp2m", DefaultValueFactory = _ => "pndm" };

    public Option<int> Width { get; } = new("--width") { Description = "Image width in pixels, a multiple of 64 up to 4096 (512 = 5.1 s of audio)", DefaultValueFactory = _ => 512 };

    public Option<int> Height { get; } = new("--height") { Description = "Image height in pixels, a multiple of 64 (Riffusion: 512 mel bins)", DefaultValueFactory = _ => 512 };

    public Option<int?> Iterations { get; } = new("--iterations") { Description = "Griffin-Lim iterations when the output is audio (default: --quality's, 32)" };

    public InversionArguments Inversion { get; } = new();

    public Option<int> Bitrate { get; } = new("--bitrate") { Description = "MP3 bitrate in kbit/s", DefaultValueFactory = _ => 192 };

    public Option<string?> SaveLatents { get; } = new("--save-latents") { Description = "Also write the final latents [1,4,H/8,W/8] as raw little-endian float32 (for checks against references)" };

    public void AddTo(Command command, bool size = true)
    {
        Device.AcceptOnlyFromAmong("auto", "cpu", "cuda");
        Scheduler.AcceptOnlyFromAmong([.. SchedulerFactory.Names]);
        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(Steps);
        command.Options.Add(Scheduler);
        if (size)
        {
            command.Options.Add(Width);
            command.Options.Add(Height);
        }

        command.Options.Add(Iterations);
        Inversion.AddTo(command);
        command.Options.Add(Bitrate);
        command.Options.Add(SaveLatents);
    }

    /// <summary>
    /// Settings from the command line; problems are usage errors (exit 2) before the model loads, except a size taken
    /// from the image <paramref name="sizeFrom"/>, which is bad input naming that file.
    /// </summary>
    public DiffusionSettings Settings(ParseResult result, int? width = null, int? height = null, double? guidance = null, string? sizeFrom = null)
    {
        var settings = new DiffusionSettings
        {
            Width = width ?? result.GetValue(Width),
            Height = height ?? result.GetValue(Height),
            Steps = result.GetValue(Steps),
            Guidance = guidance ?? result.GetValue(Guidance),
            Scheduler = result.GetValue(Scheduler) ?? "pndm",
        };
        if (settings.Problem() is { } problem)
        {
            throw sizeFrom is null ? new UsageException(problem) : new SpectroFlowException($"{sizeFrom}: {problem}");
        }

        if (result.GetValue(Iterations) is < 0 or > 10000)
        {
            throw new UsageException($"--iterations: '{result.GetValue(Iterations)}' is not a whole number from 0 to 10000");
        }

        return settings;
    }

    /// <summary>How audio outputs are inverted: --phase-init, and --iterations or --quality's count (Riffusion's 32 by default).</summary>
    public JoinedInversionOptions InversionOptions(ParseResult result, ulong seed, int crossfadeColumns = 0) => new()
    {
        Iterations = Inversion.Iterations(result, result.GetValue(Iterations)),
        PhaseInit = Inversion.PhaseInitValue(result),
        Seed = seed,
        CrossfadeColumns = crossfadeColumns,
    };

    /// <summary>Loads the model named by --model on --device; the CPU fallback line goes to the log.</summary>
    public StableDiffusionModel Load(ParseResult result, CliContext context)
    {
        ComputeDevice device = result.GetValue(Device) switch
        {
            "cpu" => ComputeDevice.Cpu,
            "cuda" => ComputeDevice.Cuda,
            _ => ComputeDevice.Auto,
        };
        StableDiffusionModel model = StableDiffusionModel.Load(result.GetRequiredValue(Model), device, line => context.Error.WriteLine($"warning: {line}"));
        context.Logger.Information("Model {Folder} loaded on {Device}", model.Folder, model.Device);
        return model;
    }

    /// <summary>Checks an output path: .png, or audio (.wav, .mp3) that runs the inversion.</summary>
    public static void CheckOutput(string path, bool allowPng, int bitrate)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        string allowed = allowPng ? ".png, .wav or .mp3" : ".wav or .mp3";
        if (!(extension is ".wav" or ".mp3" || (allowPng && extension == ".png")))
        {
            throw new UsageException($"'{path}': the output must be a {allowed} file");
        }

        OutputTarget.File(path, null, $"give a file name ending in {allowed}");
        if (extension != ".png")
        {
            try
            {
                AudioEncoder.EnsureWritable(path, new AudioWriteOptions { Mp3BitrateKbps = bitrate });
            }
            catch (SpectroFlowException e) when (e is not NativeLibraryMissingException)
            {
                throw new UsageException(e.Message, e);
            }
        }
    }

    /// <summary>Writes a PNG (with EXIF) or inverts the image and writes audio levelled as <paramref name="levelling"/> says.</summary>
    public static string WriteImageOrAudio(SpectrogramImage image, string path, JoinedInversionOptions inversion, Levelling levelling, int bitrate, CancellationToken cancellationToken)
    {
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            SpectrogramPng.Write(path, image);
            return string.Create(CultureInfo.InvariantCulture, $"{path}: {image.Width}x{image.Height} spectrogram");
        }

        MelSpectrogram mel = SpectrogramImageMapper.ToMel(image);
        var converter = new SpectrogramConverter(mel.Parameters) { MaxDegreeOfParallelism = 0 };
        var options = new InversionOptions { Iterations = inversion.Iterations, Seed = inversion.Seed, PhaseInit = inversion.PhaseInit, MaxDegreeOfParallelism = 0 };
        AudioClip audio = OutputLevelling.Apply(converter.ToAudio(mel, options, image.Name, cancellationToken), OutputLevelling.For(levelling, mel.Parameters.Scale));
        return WriteAudio(audio, path, bitrate);
    }

    /// <summary>Writes audio atomically in the format of the path's extension.</summary>
    public static string WriteAudio(AudioClip audio, string path, int bitrate)
    {
        AudioEncoder.Write(path, audio, new AudioWriteOptions { Mp3BitrateKbps = bitrate });
        return string.Create(CultureInfo.InvariantCulture, $"{path}: {audio.DurationSeconds:0.000} s, {audio.ChannelCount} ch, {audio.SampleRate} Hz");
    }

    /// <summary>Writes the final latents as raw float32 when --save-latents is given.</summary>
    public void MaybeSaveLatents(ParseResult result, DiffusionResult generated)
    {
        if (result.GetValue(SaveLatents) is { } path)
        {
            Core.IO.AtomicFile.WriteAllBytes(path, ImageTensors.ToRaw(generated.Latents));
        }
    }

    /// <summary>Reads a raw float32 tensor file given on the command line (one error naming it when it does not fit).</summary>
    public static float[]? ReadTensor(string? path, int count, string shape) => path is null ? null : ImageTensors.ReadRaw(path, count, shape);
}
