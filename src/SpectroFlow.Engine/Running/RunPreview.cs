namespace SpectroFlow.Engine.Running;

/// <summary>What a run would do, found by listing the inputs without running a step (see <see cref="RecipeRunner.PreviewAsync"/>).</summary>
/// <param name="Inputs">One preview per input, in recipe order.</param>
/// <param name="StaleEntries">
/// Manifest entries of items that are no longer in this shard's inputs (a run drops them; <c>--prune</c> deletes their
/// files), or null when an input could not be listed.
/// </param>
/// <param name="ManifestPath">The manifest the run would read and write, or null without a manifest.</param>
public sealed record RunPreview(IReadOnlyList<InputPreview> Inputs, long? StaleEntries, string? ManifestPath);

/// <summary>What a run would do with one input's items.</summary>
/// <param name="Input">The input id.</param>
/// <param name="Items">Items the input lists.</param>
/// <param name="InShard">Of those, items of this run's shard (all without a shard).</param>
/// <param name="UpToDate">Of those, items the manifest shows done and unchanged: a run skips them.</param>
/// <param name="ToRun">Of those, items a run would process.</param>
/// <param name="FirstToRun">The first few keys of items a run would process, in listing order.</param>
/// <param name="Error">Why the input could not be listed (one line), or null.</param>
public sealed record InputPreview(string Input, long Items, long InShard, long UpToDate, long ToRun, IReadOnlyList<string> FirstToRun, string? Error);
