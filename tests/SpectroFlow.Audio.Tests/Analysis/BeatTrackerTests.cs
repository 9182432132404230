using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;
using Xunit.Abstractions;

namespace SpectroFlow.Audio.Tests.Analysis;

public sealed class BeatTrackerTests(ITestOutputHelper output)
{
    private readonly BeatTracker _tracker = new();

    [Theory]
    [InlineData(GrooveStyle.FourOnFloor, 124, 1)]
    [InlineData(GrooveStyle.RockBackbeat, 72, 2)]
    [InlineData(GrooveStyle.Funk, 96, 3)]
    [InlineData(GrooveStyle.Breakbeat, 165, 4)]
    [InlineData(GrooveStyle.Swing, 108, 5)]
    [InlineData(GrooveStyle.Funk, 140, 6)]
    public void Analyze_Groove_FindsTempoAndBeats(GrooveStyle style, double bpm, int seed)
    {
        RhythmClip groove = RhythmGenerator.Groove(style, bpm, seed, seconds: 10);

        TempoEstimate estimate = _tracker.Analyze(groove.Clip);

        output.WriteLine($"{groove.Description}: {estimate.Bpm} conf {estimate.Confidence} F {BeatMetrics.FMeasure(estimate.Beats, groove.Beats):0.000}");
        BeatMetrics.Classify(estimate.Bpm, bpm).Should().NotBe(TempoMatch.Wrong, groove.Description);
        estimate.Confidence.Should().BeGreaterThan(BeatTracker.NoBeatThreshold);
        estimate.Downbeats.Should().OnlyContain(downbeat => estimate.Beats.Contains(downbeat));
        if (BeatMetrics.Classify(estimate.Bpm, bpm) == TempoMatch.Exact)
        {
            BeatMetrics.FMeasure(estimate.Beats, groove.Beats).Should().BeGreaterThan(0.85, groove.Description);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Analyze_Beatless_FindsNoBeat(int kind)
    {
        RhythmClip clip = RhythmGenerator.Beatless(kind, seed: 10 + kind, seconds: 10);

        TempoEstimate estimate = _tracker.Analyze(clip.Clip);

        output.WriteLine($"{clip.Description}: {estimate.Bpm} conf {estimate.Confidence}");
        estimate.Should().Be(TempoEstimate.None, clip.Description);
    }

    [Theory]
    [InlineData("groove_a_minor_96bpm.wav", 96)]
    [InlineData("house_c_major_124bpm.mp3", 124)]
    [InlineData("lofi_d_dorian_80bpm.ogg", 80)]
    public void Analyze_BundledSample_MatchesItsTempo(string file, double bpm)
    {
        AudioClip clip = AudioDecoder.Decode(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", file));

        TempoEstimate estimate = _tracker.Analyze(clip);

        output.WriteLine($"{file}: {estimate.Bpm} conf {estimate.Confidence}");
        BeatMetrics.Classify(estimate.Bpm, bpm).Should().NotBe(TempoMatch.Wrong);
    }

    [Fact]
    public void Analyze_MonoAt22050_SameTempoAsStereo()
    {
        RhythmClip groove = RhythmGenerator.Groove(GrooveStyle.RockBackbeat, 118, 7, seconds: 10, sampleRate: 22050);
        var mono = new AudioClip(22050, [groove.Clip.Channels[0]]);

        TempoEstimate estimate = _tracker.Analyze(mono);

        BeatMetrics.Classify(estimate.Bpm, 118).Should().Be(TempoMatch.Exact);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Evaluate_GeneratedSet_PrintsTable()
    {
        var styles = Enum.GetValues<GrooveStyle>();
        int exact = 0, octave = 0, wrong = 0, total = 0;
        double fSum = 0;
        double audioSeconds = 0;
        var watch = new System.Diagnostics.Stopwatch();
        var perStyle = new Dictionary<GrooveStyle, (int Exact, int Octave, int Count, double F)>();
        for (int i = 0; i < 120; i++)
        {
            GrooveStyle style = styles[i % styles.Length];
            double bpm = 60 + ((i * 37 % 121) * 1.0);
            RhythmClip groove = RhythmGenerator.Groove(style, bpm, 1000 + i, seconds: 20, pad: i % 2 == 0);
            audioSeconds += groove.Clip.DurationSeconds;
            watch.Start();
            TempoEstimate estimate = _tracker.Analyze(groove.Clip);
            watch.Stop();
            TempoMatch match = BeatMetrics.Classify(estimate.Bpm, bpm);
            double f = BeatMetrics.FMeasure(estimate.Beats, groove.Beats);
            total++;
            fSum += f;
            exact += match == TempoMatch.Exact ? 1 : 0;
            octave += match == TempoMatch.Octave ? 1 : 0;
            wrong += match == TempoMatch.Wrong ? 1 : 0;
            perStyle.TryGetValue(style, out var s);
            perStyle[style] = (s.Exact + (match == TempoMatch.Exact ? 1 : 0), s.Octave + (match == TempoMatch.Octave ? 1 : 0), s.Count + 1, s.F + f);
            if (match == TempoMatch.Wrong)
            {
                output.WriteLine($"WRONG {groove.Description}: {estimate.Bpm} conf {estimate.Confidence}");
            }
        }

        int beatless = 0, beatlessCount = 0;
        for (int i = 0; i < 30; i++)
        {
            RhythmClip clip = RhythmGenerator.Beatless(i, 5000 + i, seconds: 20);
            audioSeconds += clip.Clip.DurationSeconds;
            watch.Start();
            TempoEstimate estimate = _tracker.Analyze(clip.Clip);
            watch.Stop();
            beatlessCount++;
            beatless += estimate.HasBeat ? 0 : 1;
            if (estimate.HasBeat)
            {
                output.WriteLine($"FALSE BEAT {clip.Description}: {estimate.Bpm} conf {estimate.Confidence}");
            }
        }

        double msPerMinute = watch.Elapsed.TotalMilliseconds / (audioSeconds / 60);
        output.WriteLine($"| grooves | within 2% | octave | wrong | mean F (70 ms) |");
        foreach (var (style, s) in perStyle)
        {
            output.WriteLine($"| {style} | {s.Exact}/{s.Count} | {s.Octave} | {s.Count - s.Exact - s.Octave} | {s.F / s.Count:0.000} |");
        }

        output.WriteLine($"| all | {exact}/{total} ({100.0 * exact / total:0.0}%) | {octave} | {wrong} | {fSum / total:0.000} |");
        output.WriteLine($"beatless reported as no beat: {beatless}/{beatlessCount}; {msPerMinute:0} ms per minute of audio (analysis only, 44.1 kHz stereo)");
        ((exact + octave) / (double)total).Should().BeGreaterThan(0.9);
    }
}
