using System.CommandLine;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>image-to-audio IN.png OUT.(wav|mp3)</c>: inverse mel, PGHI + Griffin-Lim, then output levelling.</summary>
internal static class ImageToAudioCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Spectrogram PNG (parameters from its EXIF, else the preset)" };
        var output = new Argument<string>("output") { Description = "Output audio: .wav, .mp3, .flac or .ogg (flac and ogg through ffmpeg)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of Griffin-Lim's random initial phases (--phase-init random)", DefaultValueFactory = _ => 0 };
        var raw = new Option<bool>("--raw") { Description = "No output levelling: the same as --levelling raw" };
        var bitrate = new Option<int>("--bitrate") { Description = "MP3 bitrate in kbit/s", DefaultValueFactory = _ => 192 };
        var floatWav = new Option<bool>("--float") { Description = "Write 32-bit float WAV instead of 16-bit PCM" };
        var format = new Option<string>("--format") { Description = "Folder input: the audio format written (wav or mp3; a file output takes its extension's)", DefaultValueFactory = _ => "wav" };
        var parameters = new SpectrogramOptions();
        var inversionArguments = new InversionArguments();
        var command = new Command("image-to-audio", "Convert a spectrogram image back into audio; a folder input converts every PNG in it") { input, output, seed, raw, bitrate, floatWav, format };
        parameters.AddTo(command, includeIterations: true);
        inversionArguments.AddTo(command);
        // --raw is shorthand for --levelling raw.
        IEnumerable<(string Key, object Value)> InvertOptions(ParseResult result)
        {
            if (result.GetValue(raw) && result.GetResult(inversionArguments.Levelling) is { Implicit: false } && result.GetValue(inversionArguments.Levelling) != "raw")
            {
                throw new UsageException($"--raw and --levelling {result.GetValue(inversionArguments.Levelling)} contradict each other; give one");
            }

            return inversionArguments.BlockOptions(result, result.GetValue(raw) ? Levelling.Raw : null);
        }

        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            string inputPath = result.GetRequiredValue(input);
            string outputPath = result.GetRequiredValue(output);
            if (Directory.Exists(inputPath))
            {
                if (parameters.AnyFieldGiven(result))
                {
                    throw new UsageException("with a folder input only --preset and --iterations of the spectrogram parameters apply (each image's EXIF gives the rest)");
                }

                List<(string Key, object Value)> invert = [("use", "invert"), .. InvertOptions(result)];
                if (result.GetValue(parameters.Iterations) is { } iterations)
                {
                    invert.Add(("iterations", iterations));
                }

                IReadOnlyList<(string Key, object Value)>[] steps =
                [
                    [("use", "decode-image"), ("preset", result.GetValue(parameters.Preset) ?? "riffusion")],
                    [("use", "image-to-mel")],
                    invert,
                    [("use", "write-audio"), ("format", result.GetValue(format) ?? "wav"), ("bitrate", result.GetValue(bitrate)), ("float", result.GetValue(floatWav)), ("name", "{source_dir}_{stem}")],
                ];
                return await EngineConversion.RunFolderAsync(context, "image-to-audio", inputPath, outputPath, ["**/*.{png,PNG}"], steps, result.GetValue(seed), cancellationToken).ConfigureAwait(false);
            }

            if (result.GetResult(format) is { Implicit: false })
            {
                throw new UsageException("--format applies to a folder input; a file output's format comes from its extension");
            }

            var writeOptions = new AudioWriteOptions
            {
                Mp3BitrateKbps = result.GetValue(bitrate),
                WavFormat = result.GetValue(floatWav) ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16,
            };
            OutputTarget.File(outputPath, null, "give a file name ending in .wav or .mp3");
            try
            {
                AudioEncoder.EnsureWritable(outputPath, writeOptions);
            }
            catch (SpectroFlowException e) when (e is not NativeLibraryMissingException)
            {
                // An unsupported extension or bitrate is a mistake on the command line, not in the input.
                throw new UsageException(e.Message, e);
            }

            // Checked here so that bad parameters are a usage error (exit 2) before any work.
            _ = parameters.Apply(result, parameters.PresetParams(result));
            string extension = Path.GetExtension(outputPath).ToLowerInvariant();
            List<(string Key, object Value)> write = [("use", "write-audio"), ("format", extension.TrimStart('.'))];
            if (extension == ".mp3")
            {
                write.Add(("bitrate", result.GetValue(bitrate)));
            }
            else if (extension == ".wav" && result.GetValue(floatWav))
            {
                write.Add(("float", true));
            }

            string stem = Path.GetFileNameWithoutExtension(outputPath);
            write.Add(("name", EngineConversion.Literal(stem)));
            // One file: Griffin-Lim may use every core (results do not depend on it).
            List<(string Key, object Value)> inversion =
                [("use", "invert"), ("seed", result.GetValue(seed)), ("threads", 0), .. InvertOptions(result)];
            if (result.GetValue(parameters.Iterations) is { } count)
            {
                inversion.Add(("iterations", count));
            }

            IReadOnlyList<(string Key, object Value)>[] plan =
            [
                [("use", "decode-image"), .. parameters.MelOptions(result)],
                [("use", "image-to-mel")],
                inversion,
                write,
            ];
            string outputRoot = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
            return await EngineConversion.RunFileAsync(context, "image-to-audio", inputPath, outputRoot, createRoot: false, plan, 2, items =>
            {
                EngineConversion.MatchExtensionCase(Path.Combine(outputRoot, stem + extension), outputPath);
                var audio = (AudioClip)items[0].Payload;
                context.Out.WriteLine($"{outputPath}: {audio.DurationSeconds:0.000} s, {audio.ChannelCount} ch, {audio.SampleRate} Hz");
            }, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }
}
