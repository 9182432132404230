namespace SpectroFlow.Engine.Running;

/// <summary>What one step did. For one-in blocks, <c>Received = Succeeded + Failed + Cancelled</c>.</summary>
/// <param name="Received">Items taken from upstream.</param>
/// <param name="Succeeded">Items processed without error.</param>
/// <param name="Failed">Items that became error records.</param>
/// <param name="Cancelled">Items skipped or not delivered because the run was cancelled.</param>
/// <param name="Produced">Items sent downstream (or to the end of the graph).</param>
public sealed record StepCounts(long Received, long Succeeded, long Failed, long Cancelled, long Produced);

/// <summary>Thread-safe counters behind <see cref="StepCounts"/>.</summary>
internal sealed class StepCounter
{
    private long _received;
    private long _succeeded;
    private long _failed;
    private long _cancelled;
    private long _produced;

    public void Received() => Interlocked.Increment(ref _received);

    public void Succeeded() => Interlocked.Increment(ref _succeeded);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Cancelled() => Interlocked.Increment(ref _cancelled);

    public void Produced() => Interlocked.Increment(ref _produced);

    public StepCounts Snapshot() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _succeeded),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _cancelled),
        Interlocked.Read(ref _produced));
}
