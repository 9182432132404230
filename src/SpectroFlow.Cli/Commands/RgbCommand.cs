using System.CommandLine;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>rgb IN OUT</c>: any PNG to 8-bit RGB PNG (Riffusion's img2rgb), keeping spectrogram EXIF.</summary>
internal static class RgbCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "PNG image (grayscale, palette, RGBA, 16-bit, interlaced; other formats: convert to PNG first)" };
        var output = new Argument<string>("output") { Description = "Output PNG" };
        var command = new Command("rgb", "Convert an image to 8-bit RGB PNG (for Stable Diffusion tools)") { input, output };
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            string outputPath = result.GetRequiredValue(output);
            OutputTarget.File(outputPath, ".png", "give a file name ending in .png");
            ImageConversions.ToRgb(result.GetRequiredValue(input), outputPath);
            context.Out.WriteLine(outputPath);
        }));
        return command;
    }
}
