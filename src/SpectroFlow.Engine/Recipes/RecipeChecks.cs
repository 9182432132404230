using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;

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
}
