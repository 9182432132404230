namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>Creates a fresh scheduler by the name the CLI and recipes use, configured from the model's scheduler_config.json.</summary>
public static class SchedulerFactory
{
    /// <summary>The scheduler names, Riffusion's default (pndm) first.</summary>
    public static IReadOnlyList<string> Names { get; } = ["pndm", "ddim", "euler", "euler-ancestral", "lms", "dpmpp2m"];

    /// <summary>
    /// A new scheduler <paramref name="name"/> for <paramref name="steps"/> steps; <paramref name="eta"/> is DDIM's η.
    /// Unknown names throw <see cref="ArgumentException"/> listing the known ones.
    /// </summary>
    public static IDiffusionScheduler Create(string name, SchedulerConfig config, int steps, double eta = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        NoiseSchedule schedule = config.Schedule();
        return name switch
        {
            "pndm" => new PndmScheduler(schedule, steps, config.StepsOffset, config.SetAlphaToOne ?? false),
            "ddim" => new DdimScheduler(schedule, steps, config.StepsOffset, eta, config.SetAlphaToOne ?? true),
            "euler" => new EulerScheduler(schedule, steps, false, config.Spacing ?? TimestepSpacing.Linspace, config.StepsOffset),
            "euler-ancestral" => new EulerScheduler(schedule, steps, true, config.Spacing ?? TimestepSpacing.Linspace, config.StepsOffset),
            "lms" => new LmsScheduler(schedule, steps, config.Spacing ?? TimestepSpacing.Linspace, config.StepsOffset),
            "dpmpp2m" => new DpmSolverMultistepScheduler(schedule, steps, config.Spacing ?? TimestepSpacing.Linspace, config.StepsOffset),
            _ => throw new ArgumentException($"unknown scheduler '{name}' (known: {string.Join(", ", Names)})", nameof(name)),
        };
    }
}
