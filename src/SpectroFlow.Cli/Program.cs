using SpectroFlow.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop cleanly (in-flight items finish or are abandoned, the manifest is saved, exit 130).
    // Second Ctrl+C: let the process die at once (published outputs are complete thanks to atomic writes).
    e.Cancel = !cancellation.IsCancellationRequested;
    if (e.Cancel)
    {
        Console.Error.WriteLine("cancelling... (Ctrl+C again to quit at once)");
        cancellation.Cancel();
    }
};

return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
