using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Turns a <see cref="RunPlan"/> into running nodes: builds each block once (factories get <see cref="BlockServices"/>),
/// wires outputs to inputs, and completes a step's input only when <b>all</b> its upstream steps have finished
/// (<c>Task.WhenAll</c>, then <c>Complete</c>; never <c>PropagateCompletion</c> from several sources).
/// </summary>
internal static class GraphBuilder
{
    public static IReadOnlyList<GraphNode> Build(RunPlan plan, RunState state)
    {
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var ordered = new List<GraphNode>(plan.Steps.Count);
        try
        {
            foreach (PlannedStep step in plan.Steps)
            {
                object block;
                try
                {
                    block = step.Block.Create(step.Options, new BlockServices(step.Id, state.Run));
                }
                catch (Exception ex) when (ex is not SpectroFlowException)
                {
                    throw new SpectroFlowException($"{step.Location}: step '{step.Id}' ({step.Block.Name}) could not start: {RunState.OneLine(ex)}", ex);
                }

                GraphNode node = step.Block.Shape switch
                {
                    BlockShape.Source => new SourceNode(step, block, state),
                    BlockShape.Stream => new StreamNode(step, block, state),
                    _ => new ItemNode(step, block, state),
                };
                nodes.Add(step.Id, node);
                ordered.Add(node);
            }
        }
        catch
        {
            foreach (GraphNode built in ordered)
            {
                (built.Block as IDisposable)?.Dispose();
            }

            throw;
        }

        foreach (GraphNode node in ordered)
        {
            foreach (string upstream in node.Step.Upstream)
            {
                nodes[upstream].Downstream.Add(node);
            }
        }

        return ordered;
    }

    /// <summary>
    /// Starts the pumps (consumers before producers), then completes each step's input once all its upstream steps
    /// have finished (their completion tasks exist only once started).
    /// </summary>
    public static void Start(IReadOnlyList<GraphNode> nodes)
    {
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            nodes[i].Start();
        }

        var byId = nodes.ToDictionary(n => n.Step.Id, StringComparer.Ordinal);
        foreach (GraphNode node in nodes.Where(n => n.Input is not null))
        {
            Task[] upstream = [.. node.Step.Upstream.Select(id => byId[id].Completion)];
            _ = CompleteAfterAsync(upstream, node);
        }
    }

    private static async Task CompleteAfterAsync(Task[] upstream, GraphNode node)
    {
        try
        {
            await Task.WhenAll(upstream).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // an upstream engine fault is reported by the runner; downstream still completes and drains
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        node.Input!.Complete();
    }
}
