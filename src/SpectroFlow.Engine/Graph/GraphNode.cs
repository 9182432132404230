using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// One step of the running graph. Outputs are pushed to every downstream port (awaited, so a full downstream slows
/// this step = back-pressure) and the result is checked: a declined or cancelled delivery is counted, never silently
/// dropped. Every delivery is counted per root at its target before it is sent and released once processed
/// (<see cref="RootTracker"/>), which is how the run knows when a source item is finished or complete at a join.
/// </summary>
internal abstract class GraphNode
{
    protected GraphNode(PlannedStep step, int index, object block, RunState state)
    {
        Step = step;
        Index = index;
        Block = block;
        State = state;
        Counter = state.Counters[step.Id];
    }

    public PlannedStep Step { get; }

    /// <summary>The step's index in graph order (as <see cref="RootTracker"/> counts it).</summary>
    public int Index { get; }

    public object Block { get; }

    /// <summary>Where this step's outputs go: a step and the port of it they feed.</summary>
    public List<(GraphNode Node, int Port)> Downstream { get; } = [];

    /// <summary>Completes when the step has finished and delivered all its outputs.</summary>
    public abstract Task Completion { get; }

    protected RunState State { get; }

    protected StepCounter Counter { get; }

    /// <summary>Starts pumps (sources, joins); one-in blocks run as items arrive.</summary>
    public virtual void Start()
    {
    }

    /// <summary>Takes one delivery for <paramref name="port"/>; false when the step no longer accepts items.</summary>
    public abstract Task<bool> AcceptAsync(WorkItem item, int port, CancellationToken cancellationToken);

    /// <summary>Every upstream of <paramref name="port"/> has finished: nothing more will arrive there.</summary>
    public virtual ValueTask PortCompletedAsync(int port) => ValueTask.CompletedTask;

    /// <summary>Every upstream has finished.</summary>
    public abstract void CompleteInput();

    protected ValueTask ReleaseAsync(WorkItem item) => State.Roots.ReleaseAsync(item, Index);

    protected async Task EmitAsync(WorkItem item)
    {
        Counter.Produced();
        if (item.Payload is WrittenFile written)
        {
            State.Tracker.Written(item, written, Step.Id);
        }

        if (Step.Keep)
        {
            State.Keep(Step.Id, item);
        }

        if (Downstream.Count == 0)
        {
            State.Complete();
            return;
        }

        foreach ((GraphNode target, int port) in Downstream)
        {
            bool accepted;
            State.Roots.Acquire(item, target.Index);
            try
            {
                accepted = await target.AcceptAsync(item, port, State.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                target.Counter.Received();
                target.Counter.Cancelled();
                await State.Roots.ReleaseAsync(item, target.Index).ConfigureAwait(false);
                continue;
            }

            if (!accepted)
            {
                target.Counter.Received();
                target.Counter.Failed();
                State.Fail(target.Step.Id, item, "declined: the step had already stopped");
                await State.Roots.ReleaseAsync(item, target.Index).ConfigureAwait(false);
            }
        }
    }
}
