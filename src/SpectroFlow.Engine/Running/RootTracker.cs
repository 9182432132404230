using System.Collections.Concurrent;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Follows every source item (root) of a run through the graph by the explicit ancestry on items
/// (<see cref="WorkItem.Roots"/>): how many of its deliveries (its own, its descendants' and those of items combined
/// from it) are in flight at each step. From that it knows, without parsing keys, when no more items of a root can
/// reach a combining step (the root is complete there: all of the step's ancestors hold none; ancestors are read in
/// graph order, and a delivery is counted at its target before it is released at its sender, so a move in progress is
/// always seen), and when a root is finished everywhere (the manifest line can be written).
/// </summary>
internal sealed class RootTracker
{
    private readonly ConcurrentDictionary<string, RootState> _roots = new(StringComparer.Ordinal);
    private readonly int _steps;
    private readonly IReadOnlyList<Watcher> _watchers;
    private readonly Dictionary<int, SemaphoreSlim> _windows = [];

    /// <param name="steps">Number of steps (inputs included) in graph order.</param>
    /// <param name="watchers">Combining steps that need to know when a root is complete at their input.</param>
    /// <param name="windows">
    /// Inputs (step index) whose open source items are limited, and the limit: the inputs of steps that restore natural
    /// order across source items, so a delayed first item cannot let the rest pile up at the join.
    /// </param>
    public RootTracker(int steps, IReadOnlyList<Watcher> watchers, IReadOnlyDictionary<int, int>? windows = null)
    {
        _steps = steps;
        _watchers = watchers;
        foreach ((int input, int limit) in windows ?? new Dictionary<int, int>())
        {
            _windows[input] = new SemaphoreSlim(limit, limit);
        }
    }

    /// <summary>Called once a root is finished everywhere (every delivery processed).</summary>
    public Func<string, ValueTask>? Finished { get; init; }

    /// <summary>
    /// A combining step and what it needs: its ancestors (step indices, graph order) and a callback that is called once
    /// per root, when that root is complete at the step's input.
    /// </summary>
    public sealed record Watcher(int[] Ancestors, Func<string, ValueTask> RootComplete)
    {
        /// <summary>Fast membership test for <see cref="Ancestors"/>.</summary>
        public HashSet<int> AncestorSet { get; } = [.. Ancestors];
    }

    /// <summary>
    /// A root starts: one delivery held by its input until it has been sent on. Waits while its input already has as
    /// many open roots as its window allows.
    /// </summary>
    public async ValueTask RegisterAsync(string root, int inputStep, CancellationToken cancellationToken)
    {
        if (_windows.TryGetValue(inputStep, out SemaphoreSlim? window))
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var state = new RootState(_steps, _watchers.Count) { Input = inputStep };
        state.Pending[inputStep] = 1;
        state.Total = 1;
        if (!_roots.TryAdd(root, state))
        {
            throw new InvalidOperationException($"source item '{root}' is listed twice");
        }
    }

    /// <summary>A delivery of <paramref name="item"/> to <paramref name="step"/> begins (before it is sent).</summary>
    public void Acquire(WorkItem item, int step)
    {
        foreach (string root in item.Roots)
        {
            if (_roots.TryGetValue(root, out RootState? state))
            {
                Interlocked.Increment(ref state.Pending[step]);
                Interlocked.Increment(ref state.Total);
            }
        }
    }

    /// <summary>A delivery of <paramref name="item"/> at <paramref name="step"/> is done (processed, failed, cancelled or declined).</summary>
    public async ValueTask ReleaseAsync(WorkItem item, int step)
    {
        foreach (string root in item.Roots)
        {
            await ReleaseAsync(root, step).ConfigureAwait(false);
        }
    }

    /// <summary>The delivery held by <paramref name="root"/>'s input (<see cref="RegisterAsync"/>) is done.</summary>
    public async ValueTask ReleaseAsync(string root, int step)
    {
        if (!_roots.TryGetValue(root, out RootState? state))
        {
            return;
        }

        Interlocked.Decrement(ref state.Pending[step]);
        bool finished = Interlocked.Decrement(ref state.Total) == 0;
        for (int w = 0; w < _watchers.Count; w++)
        {
            Watcher watcher = _watchers[w];
            if (watcher.AncestorSet.Contains(step) && IsComplete(state, watcher) && Interlocked.Exchange(ref state.Signalled[w], 1) == 0)
            {
                await watcher.RootComplete(root).ConfigureAwait(false);
            }
        }

        if (finished && _roots.TryRemove(root, out _))
        {
            if (_windows.TryGetValue(state.Input, out SemaphoreSlim? window))
            {
                window.Release();
            }

            if (Finished is { } onFinished)
            {
                await onFinished(root).ConfigureAwait(false);
            }
        }
    }

    private static bool IsComplete(RootState state, Watcher watcher)
    {
        foreach (int ancestor in watcher.Ancestors)
        {
            if (Volatile.Read(ref state.Pending[ancestor]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class RootState(int steps, int watchers)
    {
        public int[] Pending { get; } = new int[steps];

        public int[] Signalled { get; } = new int[watchers];

        public int Input { get; init; }

        public int Total;
    }
}
