using System.CommandLine;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>print-exif IN.png</c>: Riffusion's spectrogram parameters stored in an image.</summary>
internal static class PrintExifCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Spectrogram image" };
        var command = new Command("print-exif", "Print the spectrogram parameters stored in an image's EXIF") { input };
        command.SetAction((result, _) => context.RunAsync(() =>
        {
            foreach (string line in ImageConversions.FormatExif(result.GetRequiredValue(input)))
            {
                context.Out.WriteLine(line);
            }
        }));
        return command;
    }
}
