using System.CommandLine;
using Serilog;
using Serilog.Events;
using SpectroFlow.Audio;
using SpectroFlow.Cli;
using SpectroFlow.Cli.Commands;

bool verbose = args.Contains("--verbose");
using Serilog.Core.Logger logger = new LoggerConfiguration()
    .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
    .WriteTo.Console(standardErrorFromLevel: LogEventLevel.Verbose, outputTemplate: "{Level:w4}: {Message:lj}{NewLine}{Exception}")
    .CreateLogger();
AudioDiagnostics.Warning = message => logger.Warning("{Message}", message);

var context = new CliContext(Console.Out, Console.Error, logger, verbose);
var verboseOption = new Option<bool>("--verbose") { Description = "Show debug logs and stack traces", Recursive = true };
var root = new RootCommand("SpectroFlow: music <-> Riffusion spectrogram images, batch recipes, diffusion")
{
    AudioToImageCommand.Create(context),
    ImageToAudioCommand.Create(context),
    PrintExifCommand.Create(context),
    RgbCommand.Create(context),
    BenchCommand.Create(context),
};
root.Options.Add(verboseOption);

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'spectroflow --help' (or 'spectroflow COMMAND --help') for usage.");
    return ExitCodes.Usage;
}

return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellation.Token).ConfigureAwait(false);
