using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Pumps an <see cref="IItemSource{TOut}"/> into its downstream steps (keys as <see cref="SourceItems"/> makes them),
/// stopping promptly on cancellation. When the plan combines items of different source items (joins across sources),
/// every input is listed first and the resume decisions are taken for whole groups (<see cref="ManifestTracker.Plan"/>);
/// otherwise items are decided and sent on as they are listed.
/// </summary>
internal sealed class SourceNode : GraphNode
{
    private Task _pump = Task.CompletedTask;

    public SourceNode(PlannedStep step, int index, object block, RunState state)
        : base(step, index, block, state)
    {
    }

    public override Task Completion => _pump;

    public override void Start() => _pump = Task.Run(PumpAsync);

    public override Task<bool> AcceptAsync(WorkItem item, int port, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("an input has no upstream");

    public override void CompleteInput()
    {
    }

    private async Task PumpAsync()
    {
        CancellationToken token = State.Token;
        bool listedToTheEnd = false;
        Action? onFinished = null;
        if (State.Tracker.TracksCompletion)
        {
            Counter.TrackFinished();
            onFinished = Counter.Finished;
        }

        try
        {
            RunContext run = State.Run.ForSource(Counter.Expect, Step.Id);
            IAsyncEnumerable<WorkItem> items = SourceItems.ReadAsync(Step, Block, run, State.PrefixesKeys, token);
            if (State.Listing is { } listing)
            {
                var listed = new List<WorkItem>();
                try
                {
                    await foreach (WorkItem item in items.ConfigureAwait(false))
                    {
                        Counter.Listed();
                        listed.Add(item);
                    }

                    listedToTheEnd = true;
                }
                finally
                {
                    await listing.ArriveAsync(Step.Id, listed, listedToTheEnd).ConfigureAwait(false);
                }

                items = ToAsync(listed);
            }

            bool stopped = false;
            await foreach (WorkItem item in items.ConfigureAwait(false))
            {
                if (State.Listing is null)
                {
                    Counter.Listed();
                }

                if (State.Tracker.Admit(item, onFinished) != ManifestTracker.Decision.Run)
                {
                    continue;
                }

                Counter.Received();
                if (token.IsCancellationRequested)
                {
                    Counter.Cancelled();
                    stopped = true;
                    break;
                }

                await State.Roots.RegisterAsync(item.Key, Index, token).ConfigureAwait(false);
                await State.AnnounceAsync(Index, item.Key).ConfigureAwait(false);
                Counter.Succeeded();
                await EmitAsync(item).ConfigureAwait(false);
                await State.Roots.ReleaseAsync(item.Key, Index).ConfigureAwait(false);
            }

            listedToTheEnd = State.Listing is null ? !stopped : listedToTheEnd && !stopped;
            if (listedToTheEnd)
            {
                State.Tracker.InputListed();
            }

            await State.InputListedAsync(Index).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failing source becomes an error record; the run goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Counter.Failed();
            State.Fail(Step.Id, null, RunState.OneLine(ex));
        }
    }

#pragma warning disable CS1998 // an in-memory list as the same async sequence the source gives
    private static async IAsyncEnumerable<WorkItem> ToAsync(List<WorkItem> items)
#pragma warning restore CS1998
    {
        foreach (WorkItem item in items)
        {
            yield return item;
        }
    }
}
