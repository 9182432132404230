namespace SpectroFlow.Engine.Running;

/// <summary>What one step did. For one-in blocks, <c>Received = Succeeded + Failed + Cancelled</c>.</summary>
/// <param name="Received">Items taken from upstream.</param>
/// <param name="Succeeded">Items processed without error.</param>
/// <param name="Failed">Items that became error records.</param>
/// <param name="Cancelled">Items skipped or not delivered because the run was cancelled.</param>
/// <param name="Produced">Items sent downstream (or to the end of the graph).</param>
/// <param name="Listed">Inputs only: items the source has yielded so far, including those skipped (up to date, other shard).</param>
/// <param name="Expected">Inputs only: how many items the source said it will yield, or null while unknown.</param>
/// <param name="Finished">
/// Inputs only: items whose whole work (every descendant in every step) is done, or null when the run cannot tell
/// (the run keeps no manifest).
/// </param>
public sealed record StepCounts(long Received, long Succeeded, long Failed, long Cancelled, long Produced, long Listed = 0, long? Expected = null, long? Finished = null);

/// <summary>Thread-safe counters behind <see cref="StepCounts"/>.</summary>
internal sealed class StepCounter
{
    private long _received;
    private long _succeeded;
    private long _failed;
    private long _cancelled;
    private long _produced;
    private long _listed;
    private long _expected = -1;
    private long _finished = -1;

    public void Received() => Interlocked.Increment(ref _received);

    public void Succeeded() => Interlocked.Increment(ref _succeeded);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Cancelled() => Interlocked.Increment(ref _cancelled);

    public void Produced() => Interlocked.Increment(ref _produced);

    public void Listed() => Interlocked.Increment(ref _listed);

    public void Expect(long count) => Interlocked.Exchange(ref _expected, count);

    /// <summary>Starts counting finished source items (from 0; unknown until called).</summary>
    public void TrackFinished() => Interlocked.CompareExchange(ref _finished, 0, -1);

    public void Finished() => Interlocked.Increment(ref _finished);

    public StepCounts Snapshot() => new(
        Interlocked.Read(ref _received),
        Interlocked.Read(ref _succeeded),
        Interlocked.Read(ref _failed),
        Interlocked.Read(ref _cancelled),
        Interlocked.Read(ref _produced),
        Interlocked.Read(ref _listed),
        Interlocked.Read(ref _expected) is var expected && expected >= 0 ? expected : null,
        Interlocked.Read(ref _finished) is var finished && finished >= 0 ? finished : null);
}
