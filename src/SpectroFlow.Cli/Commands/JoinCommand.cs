using System.CommandLine;
using System.Globalization;
using System.Text;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>join DIR_OR_FILES... OUT.(mp3|wav)</c>: spectrogram images to one track, inverted as one phase-continuous signal
/// (the <c>join</c> block). All or nothing: every image is read before anything runs, so one bad image is one error
/// line naming it, exit 1, and OUT is not written.
/// </summary>
internal static class JoinCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("inputs-and-output")
        {
            Description = "Spectrogram images (PNG, JPEG, BMP, WebP) and/or folders of them, then OUT.mp3 or OUT.wav",
            Arity = ArgumentArity.OneOrMore,
        };
        var crossfade = new Option<int>("--crossfade-ms") { Description = "Crossfade between consecutive images in ms (whole columns: 10 ms for Riffusion); 0 puts them end to end", DefaultValueFactory = _ => 0 };
        var iterations = new Option<int?>("--iterations") { Description = "Griffin-Lim iterations (default: --quality's, 32)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of Griffin-Lim's random initial phases (--phase-init random)", DefaultValueFactory = _ => 0 };
        var inversionArguments = new InversionArguments();
        var bitrate = new Option<int>("--bitrate") { Description = "MP3 bitrate in kbit/s", DefaultValueFactory = _ => 192 };
        var command = new Command("join", "Join spectrogram images, in natural order (clip_2 before clip_10), into one audio file without clicks at the seams") { paths, crossfade, iterations, seed, bitrate };
        inversionArguments.AddTo(command);
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            string[] arguments = result.GetRequiredValue(paths);
            if (arguments.Length < 2)
            {
                throw new UsageException("give the images or folders to join, then OUT.mp3 or OUT.wav");
            }

            string outputPath = arguments[^1];
            int crossfadeMs = result.GetValue(crossfade);
            int? iterationCount = result.GetValue(iterations);
            if (crossfadeMs < 0)
            {
                throw new UsageException($"--crossfade-ms: '{crossfadeMs}' is not a whole number of 0 or more");
            }

            if (iterationCount is < 0 or > 10000)
            {
                throw new UsageException($"--iterations: '{iterationCount}' is not a whole number from 0 to 10000");
            }

            string extension = Path.GetExtension(outputPath).ToLowerInvariant();
            if (extension is not (".mp3" or ".wav"))
            {
                throw new UsageException($"'{outputPath}': the output must be a .mp3 or .wav file");
            }

            OutputTarget.File(outputPath, null, "give a file name ending in .mp3 or .wav");
            var writeOptions = new AudioWriteOptions { Mp3BitrateKbps = result.GetValue(bitrate) };
            try
            {
                AudioEncoder.EnsureWritable(outputPath, writeOptions);
            }
            catch (SpectroFlowException e) when (e is not NativeLibraryMissingException)
            {
                throw new UsageException(e.Message, e);
            }

            List<string> images = ImageArguments.Collect(arguments[..^1], "join");
            var widths = new List<int>(images.Count);
            foreach (string image in images)
            {
                // All or nothing: a bad image stops the join before anything is written.
                widths.Add(SpectrogramPng.Read(image).Width);
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"joining {images.Count} {(images.Count == 1 ? "image" : "images")} in this order:"));
            for (int i = 0; i < images.Count; i++)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {i + 1,3}. {images[i]} ({widths[i]} px)"));
            }

            if (images.Count == 1)
            {
                context.Error.WriteLine($"warning: {images[0]}: one image only, so {outputPath} is its plain inversion (as image-to-audio with the same --seed)");
            }

            string outputRoot = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
            string stem = Path.GetFileNameWithoutExtension(outputPath);
            string yaml = Recipe(
                images, outputRoot, stem, extension, crossfadeMs, iterationCount, result.GetValue(seed), result.GetValue(bitrate), inversionArguments.BlockOptions(result));
            var byKey = images.ToDictionary(Path.GetFullPath, p => p, StringComparer.Ordinal);
            (int exitCode, _, Engine.Running.RunReport report) = await EngineConversion.RunRecipeAsync(
                context, "join", yaml, key => byKey.TryGetValue(key, out string? path) ? path : outputPath, cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Success)
            {
                EngineConversion.MatchExtensionCase(Path.Combine(outputRoot, stem + extension), outputPath);
                var audio = (AudioClip)report.Outputs["join"][0].Payload;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outputPath}: {audio.DurationSeconds:0.000} s ({audio.Frames} samples), {audio.ChannelCount} ch, {audio.SampleRate} Hz"));
            }

            return exitCode;
        }));
        return command;
    }

    private static string Recipe(
        IReadOnlyList<string> images, string outputRoot, string stem, string extension, int crossfadeMs, int? iterations, ulong seed, int bitrate, IEnumerable<(string Key, object Value)> inversion)
    {
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"seed: {seed}\n");
        yaml.Append("inputs:\n  - id: images\n    use: files\n    paths:\n");
        foreach (string image in images)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      - {EngineConversion.Quote(Path.GetFullPath(image))}\n");
        }

        yaml.Append("steps:\n  - id: decode\n    use: decode-image\n  - id: mel\n    use: image-to-mel\n");
        // One track: the inversion may use every core (results do not depend on it); the seed is --seed itself, so a
        // one-image join gives the bytes image-to-audio gives.
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: join\n    use: join\n    group: all\n    crossfade_ms: {crossfadeMs}\n    seed: {seed}\n    threads: 0\n");
        if (iterations is { } count)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    iterations: {count}\n");
        }

        foreach ((string key, object value) in inversion)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    {key}: {value}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"  - id: write\n    use: write-audio\n    format: {extension.TrimStart('.')}\n    name: {EngineConversion.Quote(EngineConversion.Literal(stem))}\n");
        if (extension == ".mp3")
        {
            yaml.Append(CultureInfo.InvariantCulture, $"    bitrate: {bitrate}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {EngineConversion.Quote(outputRoot)}\n  keep: [join]\n");
        return yaml.ToString();
    }
}
