using System.CommandLine;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>audio-to-image IN OUT</c>: one spectrogram PNG, or a folder of numbered PNGs with --clip-ms.</summary>
internal static class AudioToImageCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file (WAV, MP3, OGG; FLAC and more with ffmpeg)" };
        var output = new Argument<string>("output") { Description = "Output PNG, or a folder with --clip-ms" };
        var clipMs = new Option<int?>("--clip-ms") { Description = "Slice into clips of this many ms (5119 ms = 512 px); OUTPUT is then a folder" };
        var last = new Option<string>("--last")
        {
            Description = "With --clip-ms: pad the last partial clip with silence, or drop it",
            DefaultValueFactory = _ => "pad",
        };
        last.AcceptOnlyFromAmong("pad", "drop");
        var nativeRate = new Option<bool>("--native-rate") { Description = "Keep the file's sample rate (recorded in EXIF) instead of resampling" };
        var start = new Option<double?>("--start") { Description = "Start of the segment to convert, in seconds (one file)" };
        var duration = new Option<double?>("--duration") { Description = "Length of the segment to convert, in seconds (default: to the end; one file)" };
        var parameters = new SpectrogramOptions();
        var command = new Command("audio-to-image", "Convert audio into Riffusion-format spectrogram image(s); a folder input converts every audio file in it") { input, output, clipMs, last, nativeRate, start, duration };
        parameters.AddTo(command, includeIterations: false);
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            // Checked here so that bad parameters are a usage error (exit 2) before any work.
            _ = parameters.Apply(result, parameters.PresetParams(result));
            string inputPath = result.GetRequiredValue(input);
            string outputPath = result.GetRequiredValue(output);
            int? clip = result.GetValue(clipMs);
            if (clip is <= 0 or > 3_600_000)
            {
                throw new UsageException($"--clip-ms {clip} is outside 1..3600000");
            }

            if (clip is null && result.GetResult(last) is { Implicit: false })
            {
                throw new UsageException("--last applies only with --clip-ms (it says what to do with the last partial clip)");
            }

            double? startSeconds = result.GetValue(start);
            double? durationSeconds = result.GetValue(duration);
            if (startSeconds is < 0 || durationSeconds is <= 0)
            {
                throw new UsageException(startSeconds is < 0 ? "--start must be 0 or more seconds" : "--duration must be more than 0 seconds");
            }

            if (Directory.Exists(inputPath))
            {
                if (startSeconds is not null || durationSeconds is not null || result.GetValue(nativeRate))
                {
                    throw new UsageException("--start, --duration and --native-rate apply to one file; the input is a folder");
                }

                return await EngineConversion.RunFolderAsync(context, "audio-to-image", inputPath, outputPath, s_audioGlobs, FolderSteps(result, parameters, clip, result.GetValue(last)), 0, cancellationToken).ConfigureAwait(false);
            }

            if (clip is null)
            {
                OutputTarget.File(outputPath, ".png", "give a file name ending in .png, or --clip-ms to write clips into a folder");
            }
            else
            {
                OutputTarget.Folder(outputPath);
            }

            List<(string Key, object Value)> decode = clip is { } ms
                ? [("use", "decode-slices"), ("clip_ms", ms), ("last", result.GetValue(last) ?? "pad")]
                : [("use", "decode"), ("max_minutes", 1440)]; // the command decodes any length whole, as it always did
            decode.AddRange(Segment(startSeconds, durationSeconds));
            List<(string Key, object Value)> mel = [("use", "mel"), .. parameters.MelOptions(result)];
            if (result.GetValue(nativeRate))
            {
                mel.Add(("native_rate", true));
            }

            string stem = Path.GetFileNameWithoutExtension(outputPath);
            IReadOnlyList<(string Key, object Value)>[] steps =
            [
                decode,
                mel,
                [("use", "encode-image")],
                [("use", "write-image"), ("name", clip is null ? EngineConversion.Literal(stem) : "{stem}")],
            ];
            string outputRoot = clip is null ? Path.GetDirectoryName(Path.GetFullPath(outputPath))! : outputPath;
            return await EngineConversion.RunFileAsync(context, "audio-to-image", inputPath, outputRoot, createRoot: clip is not null, steps, clip is null ? 2 : 3, items =>
            {
                if (clip is null)
                {
                    EngineConversion.MatchExtensionCase(Path.Combine(outputRoot, stem + ".png"), outputPath);
                    var image = (SpectrogramImage)items[0].Payload;
                    context.Out.WriteLine($"{outputPath}: {image.Width}x{image.Height}");
                }
                else
                {
                    context.Out.WriteLine($"{outputPath}: {Words.Count(items.Count, "image")}");
                }
            }, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>Audio files a folder input converts (WAV, MP3, Ogg in process; the others through ffmpeg).</summary>
    private static readonly string[] s_audioGlobs = ["**/*.{wav,mp3,ogg,flac,opus,m4a,aac,aif,aiff,wma,WAV,MP3,OGG,FLAC,OPUS,M4A,AAC,AIF,AIFF,WMA}"];

    private static IEnumerable<(string Key, object Value)> Segment(double? startSeconds, double? durationSeconds)
    {
        if (startSeconds is { } from)
        {
            yield return ("start", from);
        }

        if (durationSeconds is { } length)
        {
            yield return ("duration", length);
        }
    }

    /// <summary>The recipe steps of a folder input: decode (or decode-slices), mel with the given parameters, encode, write.</summary>
    private static List<IReadOnlyList<(string Key, object Value)>> FolderSteps(ParseResult result, SpectrogramOptions parameters, int? clip, string? last)
    {
        List<(string Key, object Value)> decode = clip is { } ms
            ? [("use", "decode-slices"), ("clip_ms", ms), ("last", last ?? "pad")]
            : [("use", "decode")];
        return
        [
            decode,
            [("use", "mel"), .. parameters.MelOptions(result)],
            [("use", "encode-image")],
            [("use", "write-image"), ("name", "{source_dir}_{file}")],
        ];
    }
}
