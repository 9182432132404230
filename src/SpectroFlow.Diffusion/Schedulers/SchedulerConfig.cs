using System.Text.Json;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Schedulers;

/// <summary>
/// A model's <c>scheduler/scheduler_config.json</c>, read as diffusers' <c>X.from_config(pipe.scheduler.config)</c> reads
/// it: keys in the file override each scheduler class's defaults, keys absent keep the class's own. So SD 1.5's file (no
/// <c>timestep_spacing</c>) gives PNDM/DDIM leading spacing and Euler/LMS/DPM++ linspace, while a file that names a
/// spacing (optimum writes complete files) applies it to every scheduler, as diffusers does.
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>num_train_timesteps.</summary>
    public int TrainSteps { get; init; } = 1000;

    /// <summary>beta_start.</summary>
    public double BetaStart { get; init; } = 0.00085;

    /// <summary>beta_end.</summary>
    public double BetaEnd { get; init; } = 0.012;

    /// <summary>beta_schedule.</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.ScaledLinear;

    /// <summary>steps_offset (1 in SD's file).</summary>
    public int StepsOffset { get; init; } = 1;

    /// <summary>timestep_spacing when the file names one; null keeps each class's default.</summary>
    public TimestepSpacing? Spacing { get; init; }

    /// <summary>set_alpha_to_one when the file names it; null keeps each class's default.</summary>
    public bool? SetAlphaToOne { get; init; }

    /// <summary>The schedule these values define.</summary>
    public NoiseSchedule Schedule() => new(TrainSteps, BetaStart, BetaEnd, BetaSchedule);

    /// <summary>Reads <paramref name="path"/>; values SpectroFlow cannot honour are one error naming the file and key.</summary>
    public static SchedulerConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidModelException(path, "file not found (the model folder needs scheduler/scheduler_config.json)");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            return Parse(document.RootElement, path);
        }
        catch (JsonException ex)
        {
            throw new InvalidModelException(path, $"not valid JSON ({ex.Message})", ex);
        }
    }

    /// <summary>Reads the config from a parsed JSON object.</summary>
    public static SchedulerConfig Parse(JsonElement root, string path)
    {
        var config = new SchedulerConfig();
        if (root.TryGetProperty("prediction_type", out JsonElement prediction) && prediction.GetString() is { } kind && kind != "epsilon")
        {
            throw new InvalidModelException(path, $"prediction_type '{kind}' is not supported (SD 1.x models predict epsilon)");
        }

        if (root.TryGetProperty("trained_betas", out JsonElement trained) && trained.ValueKind == JsonValueKind.Array)
        {
            throw new InvalidModelException(path, "trained_betas is not supported");
        }

        if (root.TryGetProperty("num_train_timesteps", out JsonElement train))
        {
            config = config with { TrainSteps = train.GetInt32() };
        }

        if (root.TryGetProperty("beta_start", out JsonElement start))
        {
            config = config with { BetaStart = start.GetDouble() };
        }

        if (root.TryGetProperty("beta_end", out JsonElement end))
        {
            config = config with { BetaEnd = end.GetDouble() };
        }

        if (root.TryGetProperty("beta_schedule", out JsonElement schedule))
        {
            config = config with
            {
                BetaSchedule = schedule.GetString() switch
                {
                    "scaled_linear" => BetaSchedule.ScaledLinear,
                    "linear" => BetaSchedule.Linear,
                    string other => throw new InvalidModelException(path, $"beta_schedule '{other}' is not supported (scaled_linear or linear)"),
                    null => BetaSchedule.ScaledLinear,
                },
            };
        }

        if (root.TryGetProperty("steps_offset", out JsonElement offset))
        {
            config = config with { StepsOffset = offset.GetInt32() };
        }

        if (root.TryGetProperty("timestep_spacing", out JsonElement spacing) && spacing.ValueKind == JsonValueKind.String)
        {
            config = config with
            {
                Spacing = spacing.GetString() switch
                {
                    "leading" => TimestepSpacing.Leading,
                    "linspace" => TimestepSpacing.Linspace,
                    "trailing" => TimestepSpacing.Trailing,
                    string other => throw new InvalidModelException(path, $"timestep_spacing '{other}' is not supported"),
                    null => null,
                },
            };
        }

        if (root.TryGetProperty("set_alpha_to_one", out JsonElement alphaOne) && alphaOne.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            config = config with { SetAlphaToOne = alphaOne.GetBoolean() };
        }

        return config;
    }
}
