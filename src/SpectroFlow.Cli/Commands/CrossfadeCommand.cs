using System.CommandLine;
using System.Globalization;
using System.Text;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>crossfade A B OUT</c> and <c>loop IN OUT</c>: the <c>crossfade</c> and <c>loop</c> blocks on files, through the
/// engine (decode, the block, write-audio), so a command gives the bytes a recipe gives.
/// </summary>
internal static class CrossfadeCommand
{
    public static Command Create(CliContext context)
    {
        var first = new Argument<string>("a") { Description = "The outgoing song (any audio the decoders read)" };
        var second = new Argument<string>("b") { Description = "The incoming song" };
        var output = new Argument<string>("out") { Description = "OUT.wav, .mp3, .flac or .ogg" };
        var seconds = new Option<double?>("--seconds") { Description = "Overlap in seconds (plain crossfade: default 8; beat-aligned: rounded to whole beats)" };
        var beats = new Option<int>("--beats") { Description = "Overlap in whole beats when beat-aligned", DefaultValueFactory = _ => 16 };
        var noBeatAlign = new Option<bool>("--no-beat-align") { Description = "A plain equal-power crossfade, beats ignored" };
        var stretchMax = new Option<double>("--stretch-max") { Description = "Largest tempo change applied to B (time-stretched, pitch kept), as a ratio", DefaultValueFactory = _ => 0.04 };
        var command = new Command("crossfade", "Crossfade two songs on the beat: B's first downbeat lands on one of A's last, B stretched to A's tempo, fades over whole beats, no clipping")
        {
            first, second, output, seconds, beats, noBeatAlign, stretchMax,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            double? overlap = result.GetValue(seconds);
            if (overlap is { } s && !(s is >= 0.01 and <= 600))
            {
                throw new UsageException($"--seconds: '{s.ToString(CultureInfo.InvariantCulture)}' is not a number from 0.01 to 600");
            }

            int beatCount = result.GetValue(beats);
            if (beatCount is < 1 or > 256)
            {
                throw new UsageException($"--beats: '{beatCount}' is not a whole number from 1 to 256");
            }

            double stretch = result.GetValue(stretchMax);
            if (!(stretch is >= 0 and <= 0.25))
            {
                throw new UsageException($"--stretch-max: '{stretch.ToString(CultureInfo.InvariantCulture)}' is not a number from 0 to 0.25");
            }

            string a = result.GetRequiredValue(first);
            string b = result.GetRequiredValue(second);
            var options = new StringBuilder();
            options.Append(CultureInfo.InvariantCulture, $"    beats: {beatCount}\n    beat_align: {EngineConversion.Scalar(!result.GetValue(noBeatAlign))}\n    stretch_max: {EngineConversion.Scalar(stretch)}\n");
            if (overlap is { } value)
            {
                options.Append(CultureInfo.InvariantCulture, $"    seconds: {EngineConversion.Scalar(value)}\n");
            }

            string steps = "  - id: decode-a\n    use: decode\n    from: a\n  - id: decode-b\n    use: decode\n    from: b\n"
                + "  - id: crossfade\n    use: crossfade\n    inputs: {a: decode-a, b: decode-b}\n    pairing: zip\n" + options;
            return await RunAsync(context, "crossfade", [a, b], result.GetRequiredValue(output), steps, "crossfade", cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    public static Command CreateLoop(CliContext context)
    {
        var input = new Argument<string>("in") { Description = "The audio to loop" };
        var output = new Argument<string>("out") { Description = "OUT.wav, .mp3, .flac or .ogg" };
        var repeats = new Option<int>("--repeats") { Description = "How many times the loop plays", DefaultValueFactory = _ => 4 };
        var bars = new Option<int>("--bars") { Description = "Bars per repeat from the first downbeat (0 = the longest of 16, 8, 4, 2, 1 that fits)", DefaultValueFactory = _ => 0 };
        var seam = new Option<double>("--seam-ms") { Description = "Crossfade at the seam in ms", DefaultValueFactory = _ => 80 };
        var command = new Command("loop", "Loop whole bars from the first downbeat, the seam crossfaded, N repeats") { input, output, repeats, bars, seam };
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            int count = result.GetValue(repeats);
            int barCount = result.GetValue(bars);
            double seamMs = result.GetValue(seam);
            if (count is < 1 or > 10000)
            {
                throw new UsageException($"--repeats: '{count}' is not a whole number from 1 to 10000");
            }

            if (barCount is < 0 or > 256)
            {
                throw new UsageException($"--bars: '{barCount}' is not a whole number from 0 to 256");
            }

            if (!(seamMs is >= 1 and <= 2000))
            {
                throw new UsageException($"--seam-ms: '{seamMs.ToString(CultureInfo.InvariantCulture)}' is not a number from 1 to 2000");
            }

            string steps = "  - id: decode\n    use: decode\n"
                + string.Create(CultureInfo.InvariantCulture, $"  - id: loop\n    use: loop\n    repeats: {count}\n    bars: {barCount}\n    seam_ms: {EngineConversion.Scalar(seamMs)}\n");
            return await RunAsync(context, "loop", [result.GetRequiredValue(input)], result.GetRequiredValue(output), steps, "loop", cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string command, string[] inputs, string outputPath, string steps, string keep, CancellationToken cancellationToken)
    {
        string extension = Path.GetExtension(outputPath).ToLowerInvariant().TrimStart('.');
        if (extension is not ("wav" or "mp3" or "flac" or "ogg"))
        {
            throw new UsageException($"'{outputPath}': the output must be a .wav, .mp3, .flac or .ogg file");
        }

        OutputTarget.File(outputPath, null, "give a file name ending in .wav, .mp3, .flac or .ogg");
        try
        {
            AudioEncoder.EnsureWritable(outputPath, new AudioWriteOptions());
        }
        catch (SpectroFlowException e) when (e is not NativeLibraryMissingException)
        {
            throw new UsageException(e.Message, e);
        }

        foreach (string input in inputs)
        {
            if (!File.Exists(input))
            {
                throw new SpectroFlowException($"{input}: file not found");
            }
        }

        string outputRoot = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        string stem = Path.GetFileNameWithoutExtension(outputPath);
        var yaml = new StringBuilder();
        yaml.Append("inputs:\n");
        string[] ids = inputs.Length == 1 ? ["song"] : ["a", "b"];
        for (int i = 0; i < inputs.Length; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - id: {ids[i]}\n    use: file\n    path: {EngineConversion.Quote(Path.GetFullPath(inputs[i]))}\n");
        }

        yaml.Append("steps:\n").Append(steps);
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: write\n    use: write-audio\n    format: {extension}\n    name: {EngineConversion.Quote(EngineConversion.Literal(stem))}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {EngineConversion.Quote(outputRoot)}\n  keep: [{keep}]\n");
        var byKey = inputs.ToDictionary(Path.GetFullPath, p => p, StringComparer.Ordinal);
        (int exitCode, _, Engine.Running.RunReport report) = await EngineConversion.RunRecipeAsync(
            context, command, yaml.ToString(), key => byKey.TryGetValue(key, out string? path) ? path : command, cancellationToken).ConfigureAwait(false);
        if (exitCode == ExitCodes.Success)
        {
            EngineConversion.MatchExtensionCase(Path.Combine(outputRoot, stem + "." + extension), outputPath);
            var audio = (AudioClip)report.Outputs[keep][0].Payload;
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outputPath}: {audio.DurationSeconds:0.000} s ({audio.Frames} samples), {audio.ChannelCount} ch, {audio.SampleRate} Hz"));
        }

        return exitCode;
    }
}
