namespace SpectroFlow.Core.Blocks;

/// <summary>What a block factory may use when the engine builds a block for one run.</summary>
public sealed class BlockServices
{
    /// <summary>Creates the services for step <paramref name="stepId"/> of a run.</summary>
    public BlockServices(string stepId, RunContext run)
    {
        ArgumentException.ThrowIfNullOrEmpty(stepId);
        ArgumentNullException.ThrowIfNull(run);
        StepId = stepId;
        Run = run;
    }

    /// <summary>The recipe step id the block is built for.</summary>
    public string StepId { get; }

    /// <summary>The run's context (seed, output root, shared resources, log).</summary>
    public RunContext Run { get; }

    /// <summary>Shortcut for <see cref="RunContext.Resources"/>.</summary>
    public SharedResources Resources => Run.Resources;
}
