using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Tests;

/// <summary>
/// Entry point of the test assembly when started as a program: <c>run RECIPE OUTPUT</c> runs a recipe of toy blocks
/// with a manifest, as the CLI would, so tests can kill it with SIGKILL part-way and resume it.
/// </summary>
internal static class ToyHost
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["run", string recipe, string output])
        {
            await Console.Error.WriteLineAsync("usage: run RECIPE OUTPUT");
            return 2;
        }

        RunPlan plan = new RecipeLoader(ToyRegistry.Create(), new RecipeLoadSettings { OutputRootOverride = output }).LoadFile(recipe);
        RunReport report = await new RecipeRunner().RunAsync(plan, new RunOptions { Manifest = true });
        Console.WriteLine($"skipped {report.Skipped}, errors {report.Errors.Count}");
        foreach (ErrorRecord error in report.Errors)
        {
            await Console.Error.WriteLineAsync(error.ToString());
        }

        return report.Succeeded ? 0 : 1;
    }
}
