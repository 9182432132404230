using System.CommandLine;
using System.Globalization;
using System.Text;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>concat IMG... OUT.png</c>: spectrogram images side by side in natural order (the <c>concat</c> block), e.g. eight
/// 512-px clips into one 512x4096 image for img2img. All or nothing: every image is read first, so one bad image is one
/// error line naming it, exit 1, and OUT is not written.
/// </summary>
internal static class ConcatCommand
{
    public static Command Create(CliContext context)
    {
        var paths = new Argument<string[]>("inputs-and-output")
        {
            Description = "Spectrogram images (PNG, JPEG, BMP, WebP) and/or folders of them, then OUT.png",
            Arity = ArgumentArity.OneOrMore,
        };
        var smooth = new Option<int>("--smooth-columns") { Description = "Columns consecutive images overlap at each seam, crossfaded on amplitudes (0 = side by side)", DefaultValueFactory = _ => 0 };
        var maxWidth = new Option<int>("--max-width") { Description = "Widest image made, in columns", DefaultValueFactory = _ => 65536 };
        var command = new Command("concat", "Put spectrogram images side by side, in natural order (e.g. eight 512-px clips -> 512x4096 for img2img); the first image's EXIF is kept") { paths, smooth, maxWidth };
        command.SetAction((result, cancellationToken) => context.RunAsync(async () =>
        {
            string[] arguments = result.GetRequiredValue(paths);
            if (arguments.Length < 2)
            {
                throw new UsageException("give the images or folders to put side by side, then OUT.png");
            }

            string outputPath = arguments[^1];
            int smoothColumns = result.GetValue(smooth);
            int widest = result.GetValue(maxWidth);
            if (smoothColumns is < 0 or > 4096)
            {
                throw new UsageException($"--smooth-columns: '{smoothColumns}' is not a whole number from 0 to 4096");
            }

            if (widest is < 1 or > 1_000_000)
            {
                throw new UsageException($"--max-width: '{widest}' is not a whole number from 1 to 1000000");
            }

            if (!string.Equals(Path.GetExtension(outputPath), ".png", StringComparison.OrdinalIgnoreCase))
            {
                throw new UsageException($"'{outputPath}': the output must be a .png file");
            }

            OutputTarget.File(outputPath, null, "give a file name ending in .png");
            List<string> images = ImageArguments.Collect(arguments[..^1], "concat");
            foreach (string image in images)
            {
                // All or nothing: a bad image stops before anything is written.
                _ = SpectrogramPng.Read(image);
            }

            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"putting {images.Count} {(images.Count == 1 ? "image" : "images")} side by side in this order: {string.Join(", ", images)}"));
            string outputRoot = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
            string stem = Path.GetFileNameWithoutExtension(outputPath);
            var byKey = images.ToDictionary(Path.GetFullPath, p => p, StringComparer.Ordinal);
            (int exitCode, _, Engine.Running.RunReport report) = await EngineConversion.RunRecipeAsync(
                context, "concat", Recipe(images, outputRoot, stem, smoothColumns, widest), key => byKey.TryGetValue(key, out string? path) ? path : outputPath, cancellationToken).ConfigureAwait(false);
            if (exitCode == ExitCodes.Success)
            {
                EngineConversion.MatchExtensionCase(Path.Combine(outputRoot, stem + ".png"), outputPath);
                var wide = (SpectrogramImage)report.Outputs["concat"][0].Payload;
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outputPath}: {wide.Width}x{wide.Height}"));
            }

            return exitCode;
        }));
        return command;
    }

    private static string Recipe(IReadOnlyList<string> images, string outputRoot, string stem, int smoothColumns, int maxWidth)
    {
        var yaml = new StringBuilder();
        yaml.Append("inputs:\n  - id: images\n    use: files\n    paths:\n");
        foreach (string image in images)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"      - {EngineConversion.Quote(Path.GetFullPath(image))}\n");
        }

        yaml.Append(CultureInfo.InvariantCulture, $"steps:\n  - id: decode\n    use: decode-image\n  - id: concat\n    use: concat\n    group: all\n    smooth_columns: {smoothColumns}\n    max_width: {maxWidth}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"  - id: write\n    use: write-image\n    name: {EngineConversion.Quote(EngineConversion.Literal(stem))}\n");
        yaml.Append(CultureInfo.InvariantCulture, $"outputs:\n  root: {EngineConversion.Quote(outputRoot)}\n  keep: [concat]\n");
        return yaml.ToString();
    }
}
