using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Turns a <see cref="RunPlan"/> into running nodes: builds each block once (factories get <see cref="BlockServices"/>),
/// wires outputs to the ports they feed, tells combining steps when a source item is complete at their input
/// (<see cref="RootTracker"/>), and completes a step's input (per port, then as a whole) only when <b>all</b> its
/// upstream steps have finished (<c>Task.WhenAll</c>, then complete; never <c>PropagateCompletion</c> from several
/// sources).
/// </summary>
internal static class GraphBuilder
{
    public static IReadOnlyList<GraphNode> Build(RunPlan plan, RunState state)
    {
        var nodes = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        var ordered = new List<GraphNode>(plan.Steps.Count);
        Dictionary<string, int> index = plan.Steps.Select((s, i) => (s.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        Dictionary<string, int[]> ancestors = Ancestors(plan, index);
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

                int i = index[step.Id];
                GraphNode node = step.Block.Shape switch
                {
                    BlockShape.Source => new SourceNode(step, i, block, state),
                    BlockShape.Pair or BlockShape.Group => new JoinNode(step, i, block, state, Sequencers(plan, step, index, ancestors)),
                    _ => new ItemNode(step, i, block, state),
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
            foreach (PlannedInput input in node.Step.Inputs)
            {
                nodes[input.StepId].Downstream.Add((node, input.Port));
            }
        }

        var joins = ordered.OfType<JoinNode>().ToList();
        state.Joins = joins;
        state.Roots = new RootTracker(
            ordered.Count,
            [.. joins.Select(j => new RootTracker.Watcher(ancestors[j.Step.Id], j.RootCompleteAsync))],
            Windows(plan, ancestors))
        {
            Finished = state.RootFinishedAsync,
        };
        return ordered;
    }

    /// <summary>
    /// Starts the pumps (consumers before producers), then completes each port of a step once all its upstream steps
    /// have finished, and the step's input once all ports have (completion tasks exist only once started).
    /// </summary>
    public static void Start(IReadOnlyList<GraphNode> nodes)
    {
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            nodes[i].Start();
        }

        var byId = nodes.ToDictionary(n => n.Step.Id, StringComparer.Ordinal);
        foreach (GraphNode node in nodes.Where(n => n.Step.Inputs.Count > 0))
        {
            _ = CompleteAfterAsync(node, byId);
        }
    }

    private static async Task CompleteAfterAsync(GraphNode node, Dictionary<string, GraphNode> byId)
    {
        foreach (IGrouping<int, PlannedInput> port in node.Step.Inputs.GroupBy(i => i.Port))
        {
            await WhenFinished([.. port.Select(i => byId[i.StepId].Completion)]).ConfigureAwait(false);
            await node.PortCompletedAsync(port.Key).ConfigureAwait(false);
        }

        await WhenFinished([.. node.Step.Inputs.Select(i => byId[i.StepId].Completion)]).ConfigureAwait(false);
        node.CompleteInput();
    }

    private static async Task WhenFinished(Task[] upstream)
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
    }

    /// <summary>
    /// Open source items allowed per input feeding a zip or a window over everything: enough to keep every step busy
    /// (the sum of the steps' capacities), so the window throttles only when the join waits for an item that is late.
    /// Groups over everything hold all their source items open until their one output is written, so their inputs
    /// are not limited (a group block keeps only what it needs of the parts it has read).
    /// </summary>
    private static Dictionary<int, int> Windows(RunPlan plan, Dictionary<string, int[]> ancestors)
    {
        int limit = 2 + plan.Steps.Sum(s => s.Block.Shape == BlockShape.Source ? 1 : s.Capacity);
        var windows = new Dictionary<int, int>();
        foreach (PlannedStep step in plan.Steps.Where(s => s.Pairing is Pairing.Zip || (s.Pairing == Pairing.Window && s.Grouping == Grouping.All)))
        {
            foreach (int ancestor in ancestors[step.Id].Where(a => plan.Steps[a].Block.Shape == BlockShape.Source))
            {
                windows[ancestor] = limit;
            }
        }

        return windows;
    }

    /// <summary>Every step's ancestors (indices, graph order), the step itself excluded.</summary>
    private static Dictionary<string, int[]> Ancestors(RunPlan plan, Dictionary<string, int> index)
    {
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var sets = new Dictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        foreach (PlannedStep step in plan.Steps)
        {
            var set = new SortedSet<int>();
            foreach (string upstream in step.Upstream)
            {
                set.Add(index[upstream]);
                set.UnionWith(sets[upstream]);
            }

            sets[step.Id] = set;
            result[step.Id] = [.. set];
        }

        return result;
    }

    /// <summary>
    /// For a step that needs its items in natural order (zip, or a window or group over everything), one sequencer per
    /// port over the inputs that can reach that port.
    /// </summary>
    private static Sequencer?[] Sequencers(RunPlan plan, PlannedStep step, Dictionary<string, int> index, Dictionary<string, int[]> ancestors)
    {
        bool ordered = step.Pairing is Pairing.Zip || (step.Grouping == Grouping.All && step.Pairing is Pairing.Window or Pairing.None);
        var sequencers = new Sequencer?[Math.Max(1, step.Block.Ports.Count)];
        if (!ordered)
        {
            return sequencers;
        }

        int[] inputs = [.. plan.Steps.Where(s => s.Block.Shape == BlockShape.Source).Select(s => index[s.Id])];
        foreach (IGrouping<int, PlannedInput> port in step.Inputs.GroupBy(i => i.Port))
        {
            var reaching = new HashSet<int>(port.SelectMany(i => ancestors[i.StepId].Append(index[i.StepId])));
            sequencers[port.Key] = new Sequencer([.. inputs.Where(reaching.Contains)]);
        }

        return sequencers;
    }
}
