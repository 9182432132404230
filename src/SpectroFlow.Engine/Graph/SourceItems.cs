using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Reads an input's items as the run sees them: numbered in the order the source yields them, with the <c>input</c>
/// (input id) and <c>input_key</c> (its key within the input) metadata, and when the recipe has more than one input the
/// key prefixed with the input id (<c>songs/x.wav</c>), so equal relative paths in two inputs stay distinct items (own
/// key, seed, manifest line and shard). A recipe with one input keeps the source's keys (and so its seeds and output
/// names). Used by runs and by dry runs, so both see the same keys.
/// </summary>
internal static class SourceItems
{
    /// <summary>True when item keys are prefixed with their input id: the plan has more than one input.</summary>
    public static bool PrefixesKeys(RunPlan plan) => Inputs(plan).Count() > 1;

    /// <summary>The plan's inputs (source steps), in recipe order.</summary>
    public static IEnumerable<PlannedStep> Inputs(RunPlan plan) => plan.Steps.Where(s => s.Block.Shape == BlockShape.Source);

    /// <summary>The items of <paramref name="input"/> (its source block <paramref name="source"/>), keyed as the run keys them.</summary>
    public static async IAsyncEnumerable<WorkItem> ReadAsync(PlannedStep input, object source, RunContext run, bool prefixKeys, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long ordinal = 0;
        await foreach (SourceItem<object> item in input.Block.Read!(source, run, cancellationToken).ConfigureAwait(false))
        {
            var metadata = new Dictionary<string, object>(item.Metadata ?? new Dictionary<string, object>(), StringComparer.Ordinal)
            {
                [WorkItem.Keys.Input] = input.Id,
                [WorkItem.Keys.InputKey] = item.Key,
            };
            yield return WorkItem.Create(prefixKeys ? input.Id + "/" + item.Key : item.Key, ordinal++, item.Payload, run.Seed, metadata);
        }
    }
}
