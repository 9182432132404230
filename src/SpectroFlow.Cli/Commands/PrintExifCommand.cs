using System.CommandLine;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>print-exif IN.png</c>: Riffusion's spectrogram parameters stored in an image.</summary>
internal static class PrintExifCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Spectrogram PNG" };
        var command = new Command("print-exif", "Print the spectrogram parameters stored in an image's EXIF") { input };
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            string path = result.GetRequiredValue(input);
            IReadOnlyList<string> lines = ImageConversions.FormatExif(path);
            if (lines.Count == 0)
            {
                context.Out.WriteLine($"{path}: no spectrogram EXIF (image-to-audio uses the preset's parameters)");
            }

            foreach (string line in lines)
            {
                context.Out.WriteLine(line);
            }
        }));
        return command;
    }
}
