using System.CommandLine;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;
using SpectroFlow.Audio;
using SpectroFlow.Cli.Commands;

namespace SpectroFlow.Cli;

/// <summary>The composition root: builds the command tree and runs one command line (used by Program and by tests).</summary>
internal static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, output, error, BlockCatalog.Create, cancellationToken);

    /// <summary>Runs one command line with the blocks of <paramref name="createRegistry"/> (tests use toy blocks).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<Engine.Registry.BlockRegistry> createRegistry, CancellationToken cancellationToken)
    {
        bool verbose = args.Contains("--verbose");
        using Serilog.Core.Logger logger = new LoggerConfiguration()
            .MinimumLevel.Is(verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .WriteTo.Sink(new TextWriterSink(error, new MessageTemplateTextFormatter("{Level:w4}: {Message:lj}{NewLine}{Exception}")))
            .CreateLogger();
        foreach (string problem in AudioDiagnostics.Problems())
        {
            logger.Warning("{Message}", problem);
        }

        var context = new CliContext(output, error, logger, verbose) { CreateRegistry = createRegistry };
        var root = new RootCommand("SpectroFlow: music <-> Riffusion spectrogram images, batch recipes, diffusion")
        {
            AudioToImageCommand.Create(context),
            ImageToAudioCommand.Create(context),
            PrintExifCommand.Create(context),
            RgbCommand.Create(context),
            BenchCommand.Create(context),
            BenchDiffusionCommand.Create(context),
            RunCommand.Create(context),
            ValidateCommand.Create(context),
            GraphCommand.Create(context),
            BlocksCommand.Create(context),
            SchemaCommand.Create(context),
            MergeManifestsCommand.Create(context),
            JoinCommand.Create(context),
            ConcatCommand.Create(context),
            BlendCommand.Create(context),
            CrossfadeCommand.Create(context),
            CrossfadeCommand.CreateLoop(context),
            ReportCommand.Create(context),
            TempoCommand.Create(context),
            GenerateCommand.Create(context),
            RemixCommand.Create(context),
            RiffCommand.Create(context),
        };
        root.Options.Add(new Option<bool>("--verbose") { Description = "Show debug logs and stack traces", Recursive = true });

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
            {
                error.WriteLine($"error: {ParseErrorText.Describe(parseError)}");
            }

            error.WriteLine("Run 'spectroflow --help' (or 'spectroflow COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
        return await parsed.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
