using System.Globalization;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Cli.Commands;

/// <summary>The words of run progress, shared by the live display and the plain periodic lines.</summary>
internal static class ProgressText
{
    /// <summary>
    /// <c>samples: 20/32 done, 8 skipped, 40/400 listed, eta 0:01:23</c> for an input (items whose whole work is done, of
    /// those taken to run; skipped as up to date or in another shard), <c>mel: 62 done, 0 failed, 35.4/s</c> for a step.
    /// </summary>
    public static string Describe(PlannedStep step, StepCounts counts, TimeSpan elapsed)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (step.Block.Shape != Engine.Registry.BlockShape.Source)
        {
            double rate = counts.Succeeded / Math.Max(elapsed.TotalSeconds, 0.001);
            return string.Create(inv, $"{step.Id}: {counts.Succeeded} done, {counts.Failed} failed, {rate:F1}/s");
        }

        string done = counts.Finished is { } finished ? string.Create(inv, $"{finished}/{counts.Received} done") : string.Create(inv, $"{counts.Received} to run");
        string listed = counts.Expected is { } expected ? string.Create(inv, $"{counts.Listed}/{expected}") : string.Create(inv, $"{counts.Listed}");
        string failed = counts.Failed > 0 ? string.Create(inv, $", {counts.Failed} failed to list") : string.Empty;
        string eta = Eta(counts, elapsed) is { } left ? $", eta {Format(left)}" : string.Empty;
        return string.Create(inv, $"{step.Id}: {done}, {Skipped(counts)} skipped, {listed} listed{failed}{eta}");
    }

    /// <summary>Items of an input not taken to run: up to date in the manifest, or in another shard.</summary>
    public static long Skipped(StepCounts input) => input.Listed - input.Received;

    /// <summary>
    /// Time left for an input: the items still to run (those listed and not finished, plus the unlisted rest at the
    /// share that ran so far) at the rate items have finished. Without completion tracking, from how far the input has
    /// been listed (the bounded queues keep listing a few items ahead of the work). Null while unknown.
    /// </summary>
    public static TimeSpan? Eta(StepCounts input, TimeSpan elapsed)
    {
        if (input.Expected is not { } expected || input.Listed == 0 || input.Listed > expected)
        {
            return null;
        }

        if (input.Finished is not { } finished)
        {
            return TimeSpan.FromSeconds(elapsed.TotalSeconds * (expected - input.Listed) / input.Listed);
        }

        double remaining = (double)(expected - input.Listed) * input.Received / input.Listed + (input.Received - finished);
        if (remaining <= 0)
        {
            return TimeSpan.Zero;
        }

        return finished == 0 ? null : TimeSpan.FromSeconds(remaining * elapsed.TotalSeconds / finished);
    }

    /// <summary><c>h:mm:ss</c>.</summary>
    public static string Format(TimeSpan time) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}");

    /// <summary>Plain periodic progress lines for logs and redirected stderr: <c>[12s] samples: …; mel: …</c>.</summary>
    public sealed class Printer(TextWriter error, RunPlan plan)
    {
        private readonly Lock _lock = new();

        public void Print(IReadOnlyDictionary<string, StepCounts> steps, TimeSpan elapsed)
        {
            var parts = new List<string>(plan.Steps.Count);
            foreach (PlannedStep step in plan.Steps)
            {
                parts.Add(Describe(step, steps[step.Id], elapsed));
            }

            lock (_lock)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{elapsed.TotalSeconds:F0}s] {string.Join("; ", parts)}"));
            }
        }
    }
}
