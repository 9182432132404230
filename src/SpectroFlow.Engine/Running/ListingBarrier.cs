using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Holds every input until all of them are listed, then lets the manifest decide for whole groups at once
/// (<see cref="ManifestTracker.Plan"/>): used when the plan combines items of different source items, where skipping
/// one member of a group would leave its partners without it.
/// </summary>
internal sealed class ListingBarrier(IReadOnlyList<string> inputs, ManifestTracker tracker)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (IReadOnlyList<WorkItem> Items, bool Complete)> _arrived = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _decided = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An input is listed (or stopped listing); waits until every input is.</summary>
    public Task ArriveAsync(string input, IReadOnlyList<WorkItem> items, bool complete)
    {
        lock (_lock)
        {
            _arrived[input] = (items, complete);
            if (_arrived.Count == inputs.Count)
            {
                try
                {
                    tracker.Plan([.. inputs.SelectMany(i => _arrived[i].Items)]);
                    _decided.TrySetResult();
                }
#pragma warning disable CA1031 // surfaces in every input's pump as that input's failure
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _decided.TrySetException(ex);
                }
            }
        }

        return _decided.Task;
    }
}
