using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Cli.Tests;

/// <summary><c>gate</c> and <c>select</c> in a real recipe, loaded with the CLI's blocks.</summary>
public sealed class SelectionRecipeTests
{
    private const int Rate = 22050;

    private const string Recipe = """
        seed: 1
        inputs:
          - id: songs
            folder: songs
        steps:
          - id: decode
            use: decode
          - id: gate
            use: gate
          - id: pick
            use: select
            min_seconds: 1.5
          - id: wav
            use: write-audio
            folder: kept
            name: "{source_stem}"
        outputs:
          root: out
          keep: [pick]
        """;

    [Fact]
    public async Task Recipe_GateAndSelect_PassOnlyTheGoodClipAndRecordWhyTheOthersAreLeftOut()
    {
        using var directory = new TemporaryDirectory();
        string songs = Path.Combine(directory.Path, "songs");
        Directory.CreateDirectory(songs);
        Write(songs, "loud", SignalGenerator.Sine(441, Rate, 2 * Rate, 0.1));
        Write(songs, "quiet", SignalGenerator.Silence(2 * Rate));
        Write(songs, "short", SignalGenerator.Sine(441, Rate, Rate, 0.1));
        float[] clipped = SignalGenerator.Sine(441, Rate, 2 * Rate, 2);
        for (int i = 0; i < clipped.Length; i++)
        {
            clipped[i] = Math.Clamp(clipped[i], -1f, 1f);
        }

        Write(songs, "clipped", clipped);
        RunPlan plan = new RecipeLoader(BlockCatalog.Create()).LoadText(Recipe, "r.yaml", directory.Path);

        RunReport report = await new RecipeRunner().RunAsync(plan).WaitAsync(TimeSpan.FromMinutes(2));

        report.Errors.Should().BeEmpty();
        report.LeftOut.OrderBy(r => r.Item, StringComparer.Ordinal).Should().Equal(
            new LeftOutRecord("gate", "clipped.wav", "clipped"),
            new LeftOutRecord("gate", "quiet.wav", "near-silent"),
            new LeftOutRecord("pick", "short.wav", "duration below 1.5 s"));
        WorkItem kept = report.Outputs["pick"].Should().ContainSingle().Subject;
        kept.Roots.Should().Equal("loud.wav");
        kept.Metadata["rms_db"].Should().Be(-23.01);
        File.Exists(Path.Combine(directory.Path, "out", "kept", "loud.wav")).Should().BeTrue();
        report.Steps["wav"].Succeeded.Should().Be(1);
    }

    [Fact]
    public void Recipe_BadSelectAndGateOptions_AreLoadErrorsWithLineAndColumn()
    {
        const string bad = """
            inputs:
              - id: songs
                folder: .
            steps:
              - id: decode
                use: decode
              - id: gate
                use: gate
                max_clipped_fraction: 2
              - id: pick
                use: select
                min_bpm: 130
                max_bpm: 90
              - id: all
                use: select
                tags_all: []
              - id: none
                use: select
                vocal: any
            """;
        using var directory = new TemporaryDirectory();

        Action load = () => new RecipeLoader(BlockCatalog.Create()).LoadText(bad, "r.yaml", directory.Path);

        load.Should().Throw<RecipeException>().Which.Errors.Select(e => e.ToString()).Should().Equal(
            "r.yaml:9:27: option 'max_clipped_fraction' of step 'gate' must be between 0 and 1, not 2",
            "r.yaml:13:5: option 'max_bpm' of step 'pick' must not be less than min_bpm (130)",
            "r.yaml:16:5: option 'tags_all' of step 'all' must name at least one value",
            "r.yaml:17:5: step 'none': needs at least one condition: min_bpm, max_bpm, min_tempo_confidence, min_seconds, max_seconds, tags_all, tags_any, licences or vocal");
    }

    private static void Write(string folder, string name, float[] samples) =>
        AudioEncoder.WriteWav(Path.Combine(folder, name + ".wav"), new AudioClip(Rate, [samples]));
}
