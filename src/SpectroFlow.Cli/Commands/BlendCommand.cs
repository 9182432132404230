using System.CommandLine;
using System.Globalization;
using System.Text;
using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>blend A.png B.png OUTDIR --frames N</c>: the original interpolate_and_blend (the <c>blend</c> block): N in-between
/// spectrogram images, band by band, written as OUTDIR/frame_01.png … with Riffusion EXIF.
/// </summary>
internal static class BlendCommand
{
    public static Command Create(CliContext context)
    {
        var first = new Argument<string>("a") { Description = "The first spectrogram image (PNG, JPEG, BMP, WebP)" };
        var second = new Argument<string>("b") { Description = "The second spectrogram image" };
        var output = new Argument<string>("outdir") { Description = "Folder for frame_01.png … (created inside an existing folder)" };
        var frames = new Option<int>("--frames") { Description = "In-between frames (frame i of N sits at i/(N+1) of the way)", DefaultValueFactory = _ => 4 };
        var bands = new Option<string>("--bands") { Description = "Frequency bands in Hz, ascending", DefaultValueFactory = _ => "0-300,300-2000,2000-10000" };
        var curve = new Option<string>("--curve") { Description = "smooth or linear", DefaultValueFactory = _ => "smooth" };
        var switchWidth = new Option<double>("--switch-width") { Description = "Fraction of the sequence over which one band switches (lows last)", DefaultValueFactory = _ => 0.6 };
        var transitionRows = new Option<int>("--transition-rows") { Description = "Mel rows over which band edges are softened", DefaultValueFactory = _ => 4 };
        var includeEnds = new Option<bool>("--include-ends") { Description = "Also write A first and B last (a whole sequence to join)" };
        var command = new Command("blend", "Blend two spectrogram images band by band into in-between frames (lows switch later than highs; loudness stays level)")
        {
            first, second, output, frames, bands, curve, switchWidth, transitionRows, includeEnds,
        };
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            int count = result.GetValue(frames);
            if (count is < 1 or > 10000)
            {
                throw new UsageException($"--frames: '{count}' is not a whole number from 1 to 10000");
            }

            string bandText = result.GetValue(bands)!;
            if (FrequencyBand.TryParseList(bandText, out string? problem) is null)
            {
                throw new UsageException($"--bands: {problem}");
            }

            string curveName = result.GetValue(curve)!;
            if (curveName is not ("smooth" or "linear"))
            {
                throw new UsageException($"--curve: '{curveName}' is not smooth or linear");
            }

            double width = result.GetValue(switchWidth);
            if (!(width is >= 0.05 and <= 1))
            {
                throw new UsageException($"--switch-width: '{width.ToString(CultureInfo.InvariantCulture)}' is not a number from 0.05 to 1");
            }

            int rows = result.GetValue(transitionRows);
            if (rows is < 0 or > 256)
            {
                throw new UsageException($"--transition-rows: '{rows}' is not a whole number from 0 to 256");
            }

            string a = result.GetRequiredValue(first);
            string b = result.GetRequiredValue(second);
            string folder = result.GetRequiredValue(output);
            OutputTarget.Folder(folder);
            // Both images are read and compared before anything is written: a bad one is one line naming it.
            SpectrogramImage imageA = SpectrogramPng.Read(a);
            SpectrogramImage imageB = SpectrogramPng.Read(b);
            if (imageA.Height != imageB.Height)
            {
                throw new SpectroFlowException($"{b}: is {imageB.Height} px high but {a} is {imageA.Height}; images blended together must have the same height");
            }

            if (imageB.Parameters.DifferenceFrom(imageA.Parameters) is { } difference)
            {
                throw new SpectroFlowException($"{b}: its spectrogram parameters differ from {a}'s ({difference}); images blended together must have the same");
            }

            Directory.CreateDirectory(folder);
            string yaml = Recipe(a, b, Path.GetFullPath(folder), count, bandText, curveName, width, rows, result.GetValue(includeEnds));
            (int exitCode, _, Engine.Running.RunReport report) = await EngineConversion.RunRecipeAsync(
                context, "blend", yaml, _ => "blend", cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Success)
            {
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{folder}: {report.Outputs["write"].Count} frames written (frame_01.png …)"));
            }

            return exitCode;
        }));
        return command;
    }

    private static string Recipe(string a, string b, string folder, int frames, string bands, string curve, double switchWidth, int transitionRows, bool includeEnds)
    {
        int total = frames + (includeEnds ? 2 : 0);
        string digits = new('0', Math.Max(2, total.ToString(CultureInfo.InvariantCulture).Length));
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"inputs:\n  - id: first\n    use: file\n    path: {EngineConversion.Quote(Path.GetFullPath(a))}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: second\n    use: file\n    path: {EngineConversion.Quote(Path.GetFullPath(b))}\n");
        yaml.Append("steps:\n  - id: read-a\n    use: decode-image\n    from: first\n  - id: mel-a\n    use: image-to-mel\n");
        yaml.Append("  - id: read-b\n    use: decode-image\n    from: second\n  - id: mel-b\n    use: image-to-mel\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: blend\n    use: blend\n    inputs: {{a: mel-a, b: mel-b}}\n    pairing: zip\n    frames: {frames}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"    bands: {EngineConversion.Quote(bands)}\n    curve: {curve}\n    switch_width: {EngineConversion.Scalar(switchWidth)}\n    transition_rows: {transitionRows}\n    include_ends: {EngineConversion.Scalar(includeEnds)}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: image\n    use: encode-image\n  - id: write\n    use: write-image\n    name: \"frame_{{blend_frame:{digits}}}\"\n");
        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {EngineConversion.Quote(folder)}\n  keep: [write]\n");
        return yaml.ToString();
    }
}
