using SpectroFlow.Audio.Blocks;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Blocks;

public sealed class GateBlockTests
{
    private const int Rate = 44100;

    [Fact]
    public async Task Gate_Silence_IsLeftOutNearSilent()
    {
        var clip = new AudioClip(Rate, [SignalGenerator.Silence(Rate), SignalGenerator.Silence(Rate)]);

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions { MinRmsDb = -200 }, clip);

        GateBlock.RmsDb(clip).Should().Be(double.NegativeInfinity);
        outputs.Should().BeEmpty();
        leftOut.Should().Equal(new LeftOutRecord("gate", "songs/a.wav#3", "near-silent"));
    }

    [Fact]
    public async Task Gate_NoiseAtMinus60Db_IsLeftOutNearSilent()
    {
        // Uniform noise in [-a, a) has RMS a / sqrt(3): this is -60 dBFS.
        var clip = new AudioClip(Rate, [SignalGenerator.Noise(Rate, seed: 7, amplitude: 0.001 * Math.Sqrt(3))]);

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions(), clip);

        GateBlock.RmsDb(clip).Should().BeApproximately(-60, 0.1);
        outputs.Should().BeEmpty();
        leftOut.Select(r => r.Reason).Should().Equal("near-silent");
    }

    [Fact]
    public async Task Gate_NoiseAtMinus60Db_PassesALowerThreshold()
    {
        var clip = new AudioClip(Rate, [SignalGenerator.Noise(Rate, seed: 7, amplitude: 0.001 * Math.Sqrt(3))]);

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions { MinRmsDb = -61 }, clip);

        outputs.Should().ContainSingle();
        leftOut.Should().BeEmpty();
    }

    [Fact]
    public async Task Gate_SineAtMinus20DbPeak_PassesWithItsRms()
    {
        // 441 Hz at 44.1 kHz: whole periods, so the RMS is amplitude / sqrt(2): 20 log10(0.1 / sqrt 2) = -23.0103.
        AudioClip clip = SignalGenerator.SineClip(Rate, 1, 0.1, 441);

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions(), clip);

        leftOut.Should().BeEmpty();
        ItemOutput<AudioClip> output = outputs.Should().ContainSingle().Subject;
        output.Payload.Should().BeSameAs(clip);
        output.Metadata.Should().ContainKey("rms_db").WhoseValue.Should().Be(-23.01);
    }

    [Fact]
    public async Task Gate_StereoWithOneSilentChannel_AveragesOverBothChannels()
    {
        var clip = new AudioClip(Rate, [SignalGenerator.Sine(441, Rate, Rate, 0.1), SignalGenerator.Silence(Rate)]);

        (List<ItemOutput<AudioClip>> outputs, _) = await RunAsync(new GateOptions(), clip);

        // Half the energy of the mono sine: 20 log10(0.05) = -26.0206.
        outputs.Should().ContainSingle().Which.Metadata!["rms_db"].Should().Be(-26.02);
    }

    [Fact]
    public async Task Gate_HardClippedSine_IsLeftOutClipped()
    {
        float[] samples = SignalGenerator.Sine(441, Rate, Rate, 2);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = Math.Clamp(samples[i], -1f, 1f);
        }

        var clip = new AudioClip(Rate, [samples]);

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions(), clip);

        // |2 sin| >= 0.999 for two thirds of each period.
        GateBlock.ClippedFraction(clip, 0.999f).Should().BeApproximately(2.0 / 3, 0.01);
        outputs.Should().BeEmpty();
        leftOut.Should().Equal(new LeftOutRecord("gate", "songs/a.wav#3", "clipped"));
    }

    [Fact]
    public async Task Gate_SingleFullScalePeak_IsNotClipping()
    {
        float[] samples = SignalGenerator.Sine(441, Rate, Rate, 0.1);
        samples[1000] = 1f;
        samples[20000] = -1f;

        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions { MaxClippedFraction = 0 }, new AudioClip(Rate, [samples]));

        outputs.Should().ContainSingle();
        leftOut.Should().BeEmpty();
    }

    [Theory]
    [InlineData(2, 0.0)]
    [InlineData(3, 3.0 / 1000)]
    [InlineData(4, 4.0 / 1000)]
    public void ClippedFraction_CountsOnlyRunsOfThreeOrMore(int run, double expected)
    {
        float[] samples = new float[1000];
        for (int i = 0; i < run; i++)
        {
            samples[500 + i] = i % 2 == 0 ? 1f : -0.9995f;
        }

        samples[100] = 1f;
        samples[101] = 1f;

        GateBlock.ClippedFraction(new AudioClip(Rate, [samples]), 0.999f).Should().Be(expected);
    }

    [Fact]
    public void ClippedFraction_RunAtTheEnd_IsCounted()
    {
        float[] samples = new float[500];
        samples[^1] = samples[^2] = samples[^3] = 1f;
        var clip = new AudioClip(Rate, [new float[500], samples]);

        GateBlock.ClippedFraction(clip, 0.999f).Should().Be(3.0 / 1000);
    }

    [Fact]
    public async Task Gate_ClippedFractionAtTheLimit_Passes()
    {
        float[] samples = SignalGenerator.Sine(441, Rate, 1000, 0.1);
        samples[10] = samples[11] = samples[12] = 1f;

        (List<ItemOutput<AudioClip>> atLimit, _) = await RunAsync(new GateOptions { MaxClippedFraction = 0.003 }, new AudioClip(Rate, [samples]));
        (List<ItemOutput<AudioClip>> below, _) = await RunAsync(new GateOptions { MaxClippedFraction = 0.0029 }, new AudioClip(Rate, [samples]));

        atLimit.Should().ContainSingle();
        below.Should().BeEmpty();
    }

    [Fact]
    public async Task Gate_ClipLevel_SetsTheRail()
    {
        // A sine of amplitude 0.5 flattened at 0.45: long runs at 0.45, nothing near full scale.
        float[] samples = SignalGenerator.Sine(441, Rate, Rate, 0.5);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = Math.Clamp(samples[i], -0.45f, 0.45f);
        }

        (List<ItemOutput<AudioClip>> defaultLevel, _) = await RunAsync(new GateOptions(), new AudioClip(Rate, [samples]));
        (List<ItemOutput<AudioClip>> lowRail, List<LeftOutRecord> leftOut) = await RunAsync(new GateOptions { ClipLevel = 0.45 }, new AudioClip(Rate, [samples]));

        defaultLevel.Should().ContainSingle();
        lowRail.Should().BeEmpty();
        leftOut.Select(r => r.Reason).Should().Equal("clipped");
    }

    private static async Task<(List<ItemOutput<AudioClip>> Outputs, List<LeftOutRecord> LeftOut)> RunAsync(GateOptions options, AudioClip clip)
    {
        var leftOut = new List<LeftOutRecord>();
        var run = new RunContext(42, "/tmp", new SharedResources())
        {
            LeftOutSink = (record, roots) =>
            {
                roots.Should().Equal("songs/a.wav");
                leftOut.Add(record);
            },
        };
        WorkItem song = WorkItem.Create("songs/a.wav", 0, clip, 42);
        var context = new BlockContext(run, "gate", song.CreateChild("3", clip, 3));
        List<ItemOutput<AudioClip>> outputs = await BlockTestContext.ToListAsync(new GateBlock(options).ExpandAsync(clip, context, CancellationToken.None));
        return (outputs, leftOut);
    }
}
