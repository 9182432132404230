using System.Runtime.CompilerServices;
using System.Threading.Tasks.Dataflow;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Runs an <see cref="IStreamBlock{TIn, TOut}"/> on one task: a bounded buffer in, the block's async stream out. Keeps
/// draining its input after the block stops (normally, cancelled or failed) so upstream never hangs, and accounts for
/// every drained item.
/// </summary>
internal sealed class StreamNode : GraphNode
{
    private readonly BufferBlock<WorkItem> _input;
    private Task _pump = Task.CompletedTask;

    public StreamNode(PlannedStep step, object block, RunState state)
        : base(step, block, state)
    {
        _input = new BufferBlock<WorkItem>(new DataflowBlockOptions { BoundedCapacity = step.Capacity });
    }

    public override ITargetBlock<WorkItem> Input => _input;

    public override Task Completion => _pump;

    public override void Start() => _pump = Task.Run(PumpAsync);

    private async Task PumpAsync()
    {
        CancellationToken token = State.Token;
        string? failure = null;
        try
        {
            await foreach (WorkItem output in Step.Block.Stream!(Block, ReadInputsAsync(token), State.Run, token).ConfigureAwait(false))
            {
                await EmitAsync(output).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // a failing stream block becomes error records; the run goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = RunState.OneLine(ex);
            State.Fail(Step.Id, null, failure);
        }

        while (await _input.OutputAvailableAsync().ConfigureAwait(false))
        {
            while (_input.TryReceive(out WorkItem? item))
            {
                Counter.Received();
                if (token.IsCancellationRequested)
                {
                    Counter.Cancelled();
                }
                else
                {
                    Counter.Failed();
                    State.Fail(Step.Id, item, failure is null ? "not consumed: the stream block ended early" : "not processed: the step failed");
                }
            }
        }
    }

    private async IAsyncEnumerable<WorkItem> ReadInputsAsync([EnumeratorCancellation] CancellationToken token)
    {
        while (await _input.OutputAvailableAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (_input.TryReceive(out WorkItem? item))
            {
                Counter.Received();
                if (token.IsCancellationRequested)
                {
                    Counter.Cancelled();
                    continue;
                }

                Counter.Succeeded();
                yield return item;
            }
        }
    }
}
