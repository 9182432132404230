using System.Threading.Tasks.Dataflow;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Pumps an <see cref="IItemSource{TOut}"/> into its downstream steps (keys as <see cref="SourceItems"/> makes them),
/// stopping promptly on cancellation.
/// </summary>
internal sealed class SourceNode : GraphNode
{
    private Task _pump = Task.CompletedTask;

    public SourceNode(PlannedStep step, object block, RunState state)
        : base(step, block, state)
    {
    }

    public override ITargetBlock<WorkItem>? Input => null;

    public override Task Completion => _pump;

    public override void Start() => _pump = Task.Run(PumpAsync);

    private async Task PumpAsync()
    {
        CancellationToken token = State.Token;
        try
        {
            bool listedToTheEnd = true;
            RunContext run = State.Run.ForSource(Counter.Expect);
            Action? onFinished = null;
            if (State.Tracker.TracksCompletion)
            {
                Counter.TrackFinished();
                onFinished = Counter.Finished;
            }

            await foreach (WorkItem item in SourceItems.ReadAsync(Step, Block, run, State.PrefixesKeys, token).ConfigureAwait(false))
            {
                Counter.Listed();
                ManifestTracker.Decision decision = State.Tracker.Admit(item, onFinished);
                if (decision != ManifestTracker.Decision.Run)
                {
                    continue;
                }

                Counter.Received();
                if (token.IsCancellationRequested)
                {
                    Counter.Cancelled();
                    listedToTheEnd = false;
                    break;
                }

                Counter.Succeeded();
                await EmitAsync(item).ConfigureAwait(false);
                State.Tracker.Release(item, token);
            }

            if (listedToTheEnd)
            {
                State.Tracker.InputListed();
            }
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
}
