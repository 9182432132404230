using System.CommandLine;
using SpectroFlow.Cli.Reporting;
using SpectroFlow.Engine.Reporting;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>report OUTDIR [--manifest PATH]</c>: writes the listening report (report.html) of a run's output root.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Argument<string>("outdir") { Description = "A run's output root (holds manifest.jsonl); report.html is written there" };
        var manifest = new Option<string?>("--manifest") { Description = "Read this manifest instead of OUTDIR/manifest.jsonl" };
        var command = new Command("report", "Write report.html in a run's output root: summary counts, and per output a spectrogram thumbnail, audio player, parameters, tempo and errors") { output, manifest };
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string root = result.GetRequiredValue(output);
            if (!Directory.Exists(root))
            {
                throw new UsageException($"{root}: no such folder (give a run's output root)");
            }

            string path = ReportWriter.Write(ListeningReport.Read(root, result.GetValue(manifest)));
            context.Out.WriteLine($"report: {path}");
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
