using System.Threading.Tasks.Dataflow;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// One step of the running graph. Outputs are pushed to every downstream input with <c>SendAsync</c> (awaited, so a
/// full downstream slows this step = back-pressure) and the result is checked: a declined or cancelled delivery is
/// counted, never silently dropped. No predicate links are used, so nothing can stall at a source's head (#37125).
/// </summary>
internal abstract class GraphNode
{
    protected GraphNode(PlannedStep step, object block, RunState state)
    {
        Step = step;
        Block = block;
        State = state;
        Counter = state.Counters[step.Id];
    }

    public PlannedStep Step { get; }

    public object Block { get; }

    public List<GraphNode> Downstream { get; } = [];

    /// <summary>Where upstream steps send items (null for sources).</summary>
    public abstract ITargetBlock<WorkItem>? Input { get; }

    /// <summary>Completes when the step has finished and delivered all its outputs.</summary>
    public abstract Task Completion { get; }

    protected RunState State { get; }

    protected StepCounter Counter { get; }

    /// <summary>Starts pumps (sources, streams); transforms run as items arrive.</summary>
    public virtual void Start()
    {
    }

    protected async Task EmitAsync(WorkItem item)
    {
        Counter.Produced();
        if (item.Payload is WrittenFile written)
        {
            State.Tracker.Written(item, written);
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

        foreach (GraphNode target in Downstream)
        {
            bool accepted;
            State.Tracker.Acquire(item);
            try
            {
                accepted = await target.Input!.SendAsync(item, State.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                target.Counter.Received();
                target.Counter.Cancelled();
                State.Tracker.Release(item, State.Token);
                continue;
            }

            if (!accepted)
            {
                target.Counter.Received();
                target.Counter.Failed();
                State.Fail(target.Step.Id, item, "declined: the step had already stopped");
                State.Tracker.Release(item, State.Token);
            }
        }
    }
}
