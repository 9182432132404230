using SpectroFlow.Audio.Blocks;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Engine;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Imaging.Blocks;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// Formats declared by the real blocks (resample, mel, encode-image, image-to-mel, invert) flow through the graph when
/// the recipe loads, so a pair that cannot match is a recipe error; at run time payloads state their own.
/// </summary>
public sealed class FormatPropagationTests
{
    private const string Header = """
        inputs:
          - id: songs
            folder: .
        steps:
          - id: decode
            use: decode
        """;

    [Fact]
    public void Load_PairOfDifferentSampleRates_IsAnError()
    {
        Action load = () => Load(Header + """

              - id: low
                use: resample
                from: decode
                sample_rate: 44100
              - id: high
                use: resample
                from: decode
                sample_rate: 48000
              - id: fade
                use: audio-pair
                inputs: {a: low, b: high}
            """);

        load.Should().Throw<RecipeException>().Which.Errors.Single().ToString().Should().Be(
            "r.yaml:17:13: step 'fade' (audio-pair) pairs 'low' with 'high', which cannot match: 44100 Hz against 48000 Hz (add a resample or mel step with the same settings to one side)");
    }

    [Fact]
    public void Load_ImagesOfDifferentMelSettings_ThroughEncodeImage_IsAnError()
    {
        Action load = () => Load(Header + """

              - id: mel-a
                use: mel
                from: decode
              - id: mel-b
                use: mel
                from: decode
                n_mels: 256
              - id: image-a
                use: encode-image
                from: mel-a
              - id: image-b
                use: encode-image
                from: mel-b
              - id: blend
                use: image-pair
                inputs: {a: image-a, b: image-b}
            """);

        load.Should().Throw<RecipeException>().Which.Errors.Single().Message.Should().Contain("spectrogram parameters differ (NumFrequencies 512 against 256)");
    }

    [Fact]
    public void Load_InvertedAudioOfTheSameMelSettings_MatchesAResampleToTheirRate()
    {
        RunPlan plan = Load(Header + """

              - id: mel
                use: mel
                from: decode
                iterations: 64
              - id: back
                use: invert
              - id: other
                use: resample
                from: decode
                sample_rate: 44100
                channels: mono
              - id: fade
                use: audio-pair
                inputs: {a: back, b: other}
            """);

        plan.Steps.Single(s => s.Id == "back").Format.Should().Be(new PayloadFormat(44100, 1));
        plan.Steps.Single(s => s.Id == "decode").Format.Should().Be(PayloadFormat.Unknown, "every file has its own rate");
    }

    [Fact]
    public void EnsureCompatible_NamesBothItems()
    {
        WorkItem a = WorkItem.Create("a.wav", 0, new AudioClip(44100, [new float[4]]), 0);
        WorkItem b = WorkItem.Create("b.wav", 1, new AudioClip(22050, [new float[4]]), 0);
        WorkItem c = WorkItem.Create("c.png", 2, new SpectrogramImage(1, 1, new byte[3], SpectrogramParams.Riffusion with { GriffinLimIterations = 64 }), 0);
        WorkItem d = WorkItem.Create("d.png", 3, new SpectrogramImage(1, 1, new byte[3], SpectrogramParams.Riffusion), 0);

        Action mismatch = () => PayloadFormats.EnsureCompatible(a, b);

        mismatch.Should().Throw<SpectroFlowException>().WithMessage("a.wav and b.wav cannot be combined: 44100 Hz against 22050 Hz");
        PayloadFormats.EnsureCompatible(c, d);
    }

    private static RunPlan Load(string recipe)
    {
        var registry = new BlockRegistry().AddEngineBlocks();
        AudioModule.Register(registry);
        ImagingModule.Register(registry);
        registry
            .AddPair("audio-pair", (NoOptions _, BlockServices _) => new Describe<AudioClip>(), "Pairs two clips.")
            .AddPair("image-pair", (NoOptions _, BlockServices _) => new Describe<SpectrogramImage>(), "Pairs two images.");
        return new RecipeLoader(registry).LoadText(recipe, "r.yaml", Path.GetTempPath());
    }

    private sealed class Describe<T> : IPairBlock<T, T, string>
        where T : notnull
    {
        public ValueTask<string> ProcessAsync(Part<T> a, Part<T> b, BlockContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult($"{a.Item.Key}+{b.Item.Key}");
    }
}
