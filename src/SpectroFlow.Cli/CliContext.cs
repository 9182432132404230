using Serilog;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Cli;

/// <summary>What every command needs: output writers, the logger, and the error policy that maps failures to exit codes.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, ILogger logger, bool verbose)
    {
        Out = output;
        Error = error;
        Logger = logger;
        Verbose = verbose;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public ILogger Logger { get; }

    public bool Verbose { get; }

    /// <summary>Builds the block registry recipes run against (tests substitute toy blocks).</summary>
    public Func<Engine.Registry.BlockRegistry> CreateRegistry { get; init; } = BlockCatalog.Create;

    /// <summary>
    /// Runs a command body on the thread pool and turns its outcome into an exit code: user errors print one line
    /// ("error: ..."), unexpected ones too unless --verbose asks for the stack trace.
    /// </summary>
    public Task<int> RunAsync(Action body) => RunAsync(() =>
    {
        body();
        return Task.FromResult(ExitCodes.Success);
    });

    /// <summary>Same as <see cref="RunAsync(Action)"/> for a body that chooses its own exit code.</summary>
    public async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await Task.Run(body).ConfigureAwait(false);
        }
        catch (RecipeException e)
        {
            foreach (Core.Blocks.ValidationError problem in e.Errors)
            {
                Error.WriteLine(OneLine(problem.Location is null ? $"error: {problem.Message}" : problem.ToString()));
            }

            return ExitCodes.Usage;
        }
        catch (UsageException e)
        {
            return Report(e, ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (SpectroFlowException e)
        {
            return Report(e, ExitCodes.Failure);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or OutOfMemoryException or NotSupportedException)
        {
            return Report(e, ExitCodes.Failure);
        }
    }

    private int Report(Exception e, int exitCode)
    {
        Error.WriteLine($"error: {OneLine(e.Message)}");
        if (Verbose)
        {
            Error.WriteLine(e.ToString());
        }

        return exitCode;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
