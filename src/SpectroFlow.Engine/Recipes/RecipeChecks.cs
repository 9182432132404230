using System.Reflection;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Recipes;

/// <summary>
/// Recipe checks beyond single options: warnings about a plan that is valid but probably not what was meant, and the
/// rules <see cref="RecipeLoader"/> applies across steps.
/// </summary>
public static class RecipeChecks
{
    /// <summary>True when <paramref name="step"/> writes files (its block produces <see cref="WrittenFile"/> items).</summary>
    public static bool WritesFiles(PlannedStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Block.OutputType == typeof(WrittenFile) || step.Options is FileOutputOptions;
    }

    /// <summary>
    /// Why the path of an <see cref="InputPath"/> option cannot be read, or null when it exists: an option named
    /// <c>folder</c> must be a folder, any other a file or a folder. Checked when the recipe loads, so a typo fails
    /// <c>validate</c> instead of every item of the run.
    /// </summary>
    internal static string? MissingInput(string key, InputPath path, string inputRoot)
    {
        string full = path.Resolve(inputRoot);
        bool wantsFolder = key == "folder" || key.EndsWith("_folder", StringComparison.Ordinal);
        if (Directory.Exists(full))
        {
            return null;
        }

        if (File.Exists(full))
        {
            return wantsFolder ? $"names a file, not a folder: {full}" : null;
        }

        return $"names a {(wantsFolder ? "folder" : "path")} that does not exist: {full}";
    }

    /// <summary>
    /// Checks the <c>name</c> template of every writer against the metadata its items can have: the built-in
    /// placeholders, the engine's <c>input</c> and <c>input_key</c>, and what the steps before it declare with
    /// <see cref="ProducesMetadataAttribute"/>. When a step before it declares nothing (it may add any key), the template
    /// is not checked: a false error would stop a recipe that runs.
    /// </summary>
    internal static void CheckNameTemplates(IReadOnlyList<StepInfo> steps, List<ValidationError> errors)
    {
        var byId = new Dictionary<string, StepInfo>(StringComparer.Ordinal);
        foreach (StepInfo step in steps)
        {
            byId.TryAdd(step.Id, step);
        }

        foreach (StepInfo step in steps)
        {
            if (step.Options is not FileOutputOptions output || OutputNaming.CheckTemplate(output.Name) is not null
                || KeysReaching(step, byId) is not { } keys)
            {
                continue;
            }

            foreach (string name in OutputNaming.Placeholders(output.Name).Distinct(StringComparer.Ordinal).Where(n => !keys.Contains(n)))
            {
                string hint = Names.DidYouMean(name, keys);
                errors.Add(new ValidationError(
                    $"option 'name' of step '{step.Id}' uses '{{{name}}}', which its items never have{hint} (they have: {string.Join(", ", keys.Order(StringComparer.Ordinal))})",
                    OptionLocations.Find(step.Options, "name"),
                    "name"));
            }
        }
    }

    /// <summary>The metadata keys items reaching <paramref name="step"/> can have, or null when a step before it declares none.</summary>
    private static HashSet<string>? KeysReaching(StepInfo step, Dictionary<string, StepInfo> byId)
    {
        var keys = new HashSet<string>(OutputNaming.BuiltInPlaceholders, StringComparer.Ordinal) { WorkItem.Keys.Input, WorkItem.Keys.InputKey };
        var visited = new HashSet<string>(StringComparer.Ordinal) { step.Id };
        var pending = new Stack<string>(step.From);
        while (pending.Count > 0)
        {
            string id = pending.Pop();
            if (!visited.Add(id))
            {
                continue;
            }

            if (!byId.TryGetValue(id, out StepInfo? upstream) || upstream.Block?.OptionsType.GetCustomAttribute<ProducesMetadataAttribute>(inherit: true) is not { } declared)
            {
                return null;
            }

            keys.UnionWith(declared.Keys);
            foreach (string next in upstream.From)
            {
                pending.Push(next);
            }
        }

        return keys;
    }

    /// <summary>
    /// Problems that do not stop a run but are worth saying before it starts, one line each, naming the recipe file:
    /// a recipe without a step that writes files writes nothing but its manifest and log.
    /// </summary>
    public static IReadOnlyList<string> Warnings(RunPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var warnings = new List<string>();
        if (!plan.Steps.Any(WritesFiles))
        {
            warnings.Add($"{plan.File}: no step writes files, so a run writes only its manifest and log (add a writer such as write-image or write-audio)");
        }

        return warnings;
    }

    /// <summary>A step as the loader sees it before the plan exists (block and options are null when invalid).</summary>
    internal sealed record StepInfo(string Id, BlockDescriptor? Block, IBlockOptions? Options, IReadOnlyList<string> From);
}
