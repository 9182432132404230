using System.Globalization;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Blocks;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Blocks;

public sealed class TempoBlockTests
{
    [Fact]
    public async Task Tempo_Groove_WritesBpmConfidenceBeatsAndDownbeats()
    {
        RhythmClip groove = RhythmGenerator.Groove(GrooveStyle.RockBackbeat, 110, seed: 21, seconds: 8);
        BlockContext context = BlockTestContext.For(groove.Clip, "groove");

        AudioClip output = await new TempoBlock(new TempoOptions()).ProcessAsync(groove.Clip, context, CancellationToken.None);

        output.Should().BeSameAs(groove.Clip);
        ((double)context.OutputMetadata[TempoMetadata.BpmKey]).Should().BeApproximately(110, 2.2);
        ((double)context.OutputMetadata[TempoMetadata.ConfidenceKey]).Should().BeInRange(0.3, 1);
        string[] beats = ((string)context.OutputMetadata[TempoMetadata.BeatsKey]).Split(',');
        beats.Length.Should().BeInRange(12, 16);
        beats.Should().OnlyContain(beat => beat.Length - beat.IndexOf('.', StringComparison.Ordinal) == 4);
        double[] times = [.. beats.Select(beat => double.Parse(beat, CultureInfo.InvariantCulture))];
        BeatMetrics.FMeasure(times, groove.Beats).Should().BeGreaterThan(0.9);
        string downbeats = (string)context.OutputMetadata[TempoMetadata.DownbeatsKey];
        downbeats.Split(',').Should().OnlyContain(downbeat => beats.Contains(downbeat)).And.HaveCountGreaterThan(2);
    }

    [Fact]
    public async Task Tempo_SustainedChords_OmitsBpm()
    {
        RhythmClip chords = RhythmGenerator.Beatless(2, seed: 22, seconds: 8);
        BlockContext context = BlockTestContext.For(chords.Clip, "chords");

        await new TempoBlock(new TempoOptions()).ProcessAsync(chords.Clip, context, CancellationToken.None);

        context.OutputMetadata.Should().NotContainKey(TempoMetadata.BpmKey);
        context.OutputMetadata[TempoMetadata.ConfidenceKey].Should().Be(0.0);
        context.OutputMetadata[TempoMetadata.BeatsKey].Should().Be(string.Empty);
    }

    [Fact]
    public void TempoOptions_EmptyRange_IsAnError()
    {
        var errors = new ValidationErrors();

        new TempoOptions { MinBpm = 120, MaxBpm = 100 }.Validate(errors);

        errors.Count.Should().Be(1);
        errors.ToString().Should().Contain("more than 1.2 times min_bpm");
    }
}
