namespace SpectroFlow.TestKit;

/// <summary>
/// Runs code that must not hang on its own thread and fails if it has not finished within a generous limit.
/// xUnit's <c>Timeout</c> counts the time a test waits for a free runner slot too, so on a small, busy machine a test
/// that takes a millisecond can "time out"; this measures only the code itself.
/// </summary>
public static class HangGuard
{
    /// <summary>The limit for code that should take well under a second: minutes, so only a real hang trips it.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="action"/> on a dedicated thread; its exception, if any, is rethrown unchanged.</summary>
    /// <exception cref="TimeoutException">The action is still running after <paramref name="limit"/>.</exception>
    public static async Task RunAsync(Action action, string what, TimeSpan? limit = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        TimeSpan allowed = limit ?? DefaultLimit;
        Task work = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await work.WaitAsync(allowed).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} was still running after {allowed.TotalSeconds:0} s: it hangs");
        }
    }
}
