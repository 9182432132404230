using System.CommandLine;
using SpectroFlow.Audio.Dsp;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>--phase-init</c>, <c>--quality</c> and <c>--levelling</c>: how every command that makes audio reconstructs the
/// phases and levels the result.
/// </summary>
internal sealed class InversionArguments
{
    public Option<string> PhaseInit { get; } = new("--phase-init")
    {
        Description = "pghi (phases from the magnitudes, then fast Griffin-Lim keeping the best iterate; the default) or random (Riffusion's method, seeded by --seed)",
        DefaultValueFactory = _ => "pghi",
    };

    public Option<string> Quality { get; } = new("--quality")
    {
        Description = "draft (8 iterations), default (32) or high (256); --iterations, when given, sets the count",
        DefaultValueFactory = _ => "default",
    };

    public Option<string> Levelling { get; } = new("--levelling")
    {
        Description = OutputLevelling.OptionDescription,
        DefaultValueFactory = _ => "peak",
    };

    public void AddTo(Command command)
    {
        PhaseInit.AcceptOnlyFromAmong("pghi", "random");
        Quality.AcceptOnlyFromAmong("draft", "default", "high");
        Levelling.AcceptOnlyFromAmong("peak", "riffusion", "raw");
        command.Options.Add(PhaseInit);
        command.Options.Add(Quality);
        command.Options.Add(Levelling);
    }

    public PhaseInit PhaseInitValue(ParseResult result) =>
        result.GetValue(PhaseInit) == "random" ? Audio.Dsp.PhaseInit.Random : Audio.Dsp.PhaseInit.Pghi;

    public InversionQuality QualityValue(ParseResult result) => result.GetValue(Quality) switch
    {
        "draft" => InversionQuality.Draft,
        "high" => InversionQuality.High,
        _ => InversionQuality.Default,
    };

    public Levelling LevellingValue(ParseResult result) => result.GetValue(Levelling) switch
    {
        "riffusion" => Audio.Dsp.Levelling.Riffusion,
        "raw" => Audio.Dsp.Levelling.Raw,
        _ => Audio.Dsp.Levelling.Peak,
    };

    /// <summary>
    /// The block options (<c>phase_init</c>, <c>quality</c>, <c>levelling</c>) for a recipe built from the command line;
    /// <paramref name="levelling"/>, when given, replaces --levelling's.
    /// </summary>
    public IEnumerable<(string Key, object Value)> BlockOptions(ParseResult result, Levelling? levelling = null) =>
        [("phase_init", result.GetValue(PhaseInit) ?? "pghi"), ("quality", result.GetValue(Quality) ?? "default"), ("levelling", OutputLevelling.Name(levelling ?? LevellingValue(result)))];

    /// <summary>The iterations to run: <paramref name="explicitIterations"/> when given, else the quality preset's.</summary>
    public int Iterations(ParseResult result, int? explicitIterations, int parameterIterations = 32) =>
        InversionSettings.Iterations(QualityValue(result), explicitIterations, parameterIterations);
}
