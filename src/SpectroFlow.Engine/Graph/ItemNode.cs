using System.Globalization;
using System.Threading.Tasks.Dataflow;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Runs an <see cref="IBlock{TIn, TOut}"/> or <see cref="IExpandingBlock{TIn, TOut}"/> step in a bounded
/// <see cref="ActionBlock{TInput}"/> (capacity counts queued and in-progress items; parallelism from the step). The
/// run's token is not given to the Dataflow block, so cancellation never drops queued items unseen: each one is taken,
/// counted as cancelled and skipped. Failures become error records; the block itself never faults on an item.
/// </summary>
internal sealed class ItemNode : GraphNode
{
    private readonly ActionBlock<WorkItem> _input;

    public ItemNode(PlannedStep step, int index, object block, RunState state)
        : base(step, index, block, state)
    {
        _input = new ActionBlock<WorkItem>(ProcessAsync, new ExecutionDataflowBlockOptions
        {
            BoundedCapacity = step.Capacity,
            MaxDegreeOfParallelism = step.Parallelism,
        });
    }

    public override Task Completion => _input.Completion;

    public override Task<bool> AcceptAsync(WorkItem item, int port, CancellationToken cancellationToken) =>
        _input.SendAsync(item, cancellationToken);

    public override void CompleteInput() => _input.Complete();

    private async Task ProcessAsync(WorkItem item)
    {
        try
        {
            await ProcessItemAsync(item).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync(item).ConfigureAwait(false);
        }
    }

    private async Task ProcessItemAsync(WorkItem item)
    {
        Counter.Received();
        CancellationToken token = State.Token;
        if (token.IsCancellationRequested)
        {
            Counter.Cancelled();
            return;
        }

        var context = new BlockContext(State.Run, Step.Id, item);
        try
        {
            if (Step.Block.Shape == BlockShape.Transform)
            {
                object result = await Step.Block.Transform!(Block, item.Payload, context, token).ConfigureAwait(false);
                WorkItem output = item.WithPayload(result);
                if (context.OutputMetadata.Count > 0)
                {
                    output = output.WithMetadata(context.OutputMetadata);
                }

                Counter.Succeeded();
                await EmitAsync(output).ConfigureAwait(false);
            }
            else
            {
                int index = 0;
                await foreach (ItemOutput<object> produced in Step.Block.Expand!(Block, item.Payload, context, token).ConfigureAwait(false))
                {
                    if (Step.Block.PassesItemThrough && index > 0)
                    {
                        throw new InvalidOperationException($"filter '{Step.Block.Name}' passed the same item on twice");
                    }

                    WorkItem child = Step.Block.PassesItemThrough
                        ? item.WithPayload(produced.Payload)
                        : item.CreateChild(produced.KeySuffix ?? index.ToString(CultureInfo.InvariantCulture), produced.Payload, index);
                    if (produced.Metadata is { Count: > 0 } metadata)
                    {
                        child = child.WithMetadata(metadata);
                    }

                    index++;
                    await EmitAsync(child).ConfigureAwait(false);
                }

                Counter.Succeeded();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Counter.Cancelled();
        }
#pragma warning disable CA1031 // an item failure of any kind becomes an error record; the run goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Counter.Failed();
            State.Fail(Step.Id, item, RunState.OneLine(ex));
        }
    }
}
