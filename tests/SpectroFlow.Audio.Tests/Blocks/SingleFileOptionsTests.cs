using SpectroFlow.Audio.Blocks;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests.Blocks;

/// <summary>The block options the single-file commands need: start, duration, native_rate and an explicit seed.</summary>
public sealed class SingleFileOptionsTests
{
    private static readonly SourceFile s_wav = new(Fixtures.RiffusionClipWav, "riffusion/clip.wav");

    private static AudioClip Tone(double seconds, int rate)
    {
        float[] data = new float[(int)(seconds * rate)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / rate);
        }

        return new AudioClip(rate, [data], "tone");
    }

    [Fact]
    public async Task Decode_StartAndDuration_ReadsThatSegment()
    {
        AudioClip whole = AudioDecoder.Decode(s_wav.FullPath);

        AudioClip segment = await new DecodeBlock(new DecodeOptions { Start = 1, Duration = 0.5 }).ProcessAsync(s_wav, BlockTestContext.For(s_wav, s_wav.RelativePath), CancellationToken.None);

        segment.Frames.Should().Be(22050);
        segment.Channels[1].Should().Equal(whole.Channels[1].AsSpan(44100, 22050).ToArray());
    }

    [Fact]
    public async Task Decode_StartPastTheEnd_FailsTheItemInOneLine()
    {
        Func<Task> act = async () => await new DecodeBlock(new DecodeOptions { Start = 100 }).ProcessAsync(s_wav, BlockTestContext.For(s_wav, s_wav.RelativePath), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().EndWith("start 100 s is past the end of the audio");
    }

    [Fact]
    public async Task DecodeSlices_StartAndDuration_CutsClipsFromThere()
    {
        var options = new DecodeSlicesOptions { ClipMs = 1000, Start = 1.5, Duration = 2 };

        List<ItemOutput<AudioClip>> clips = await BlockTestContext.ToListAsync(new DecodeSlicesBlock(options).ExpandAsync(s_wav, BlockTestContext.For(s_wav, s_wav.RelativePath), CancellationToken.None));

        clips.Should().HaveCount(2);
        AudioClip whole = AudioDecoder.Decode(s_wav.FullPath);
        clips[1].Payload.Channels[0].Should().Equal(whole.Channels[0].AsSpan(66150 + 44100, 44100).ToArray());
    }

    [Theory]
    [InlineData(-1.0, null, "start")]
    [InlineData(null, 0.0, "duration")]
    public void SegmentOptions_OutOfRange_AreReportedAtTheirKey(double? start, double? duration, string key)
    {
        var decode = new ValidationErrors();
        var slices = new ValidationErrors();

        new DecodeOptions { Start = start, Duration = duration }.Validate(decode);
        new DecodeSlicesOptions { Start = start, Duration = duration }.Validate(slices);

        decode.Errors.Should().ContainSingle().Which.Key.Should().Be(key);
        slices.Errors.Should().ContainSingle().Which.Key.Should().Be(key);
    }

    [Fact]
    public async Task Mel_NativeRate_KeepsTheClipsRate()
    {
        AudioClip tone = Tone(0.5, 22050);

        MelSpectrogram native = await new MelBlock(new MelOptions { NativeRate = true }).ProcessAsync(tone, BlockTestContext.For(tone), CancellationToken.None);
        MelSpectrogram resampled = await new MelBlock(new MelOptions()).ProcessAsync(tone, BlockTestContext.For(tone), CancellationToken.None);

        native.Parameters.SampleRate.Should().Be(22050);
        resampled.Parameters.SampleRate.Should().Be(44100);
        new MelOptions { NativeRate = true }.OutputFormat(new PayloadFormat(22050, 1)).SampleRate.Should().Be(22050);
    }

    [Fact]
    public async Task Mel_NativeRateTheParametersDoNotFit_FailsTheItemInOneLine()
    {
        AudioClip tone = Tone(0.5, 8000);

        Func<Task> act = async () => await new MelBlock(new MelOptions { NativeRate = true }).ProcessAsync(tone, BlockTestContext.For(tone), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().StartWith("its sample rate 8000 Hz does not fit the parameters: ").And.NotContain("\n");
    }

    [Fact]
    public async Task Invert_Seed_ReplacesTheItemsSeed()
    {
        AudioClip tone = Tone(0.3, 44100);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(tone, BlockTestContext.For(tone), CancellationToken.None);
        var options = new InvertOptions { Seed = 7, Iterations = 2, PhaseInit = PhaseInit.Random };

        AudioClip a = await new InvertBlock(options).ProcessAsync(mel, BlockTestContext.For(mel, "a", seed: 1), CancellationToken.None);
        AudioClip b = await new InvertBlock(options).ProcessAsync(mel, BlockTestContext.For(mel, "b", seed: 2), CancellationToken.None);
        AudioClip derivedA = await new InvertBlock(new InvertOptions { Iterations = 2, PhaseInit = PhaseInit.Random }).ProcessAsync(mel, BlockTestContext.For(mel, "a", seed: 1), CancellationToken.None);
        AudioClip derivedB = await new InvertBlock(new InvertOptions { Iterations = 2, PhaseInit = PhaseInit.Random }).ProcessAsync(mel, BlockTestContext.For(mel, "b", seed: 2), CancellationToken.None);

        b.Channels[0].Should().Equal(a.Channels[0]);
        derivedB.Channels[0].Should().NotEqual(derivedA.Channels[0], "without the option each item has its own seed");
    }

    [Fact]
    public async Task Invert_AbsoluteScale_KeepsItsLevelUnderRiffusionLevelling()
    {
        AudioClip tone = Tone(0.3, 44100);
        MelSpectrogram mel = await new MelBlock(new MelOptions { Preset = SpectrogramPreset.Chavinlo }).ProcessAsync(tone, BlockTestContext.For(tone), CancellationToken.None);
        mel.Parameters.Scale.Should().Be(IntensityScale.AbsoluteMaxVolume);

        AudioClip levelled = await new InvertBlock(new InvertOptions { Iterations = 2 }).ProcessAsync(mel, BlockTestContext.For(mel), CancellationToken.None);
        AudioClip raw = await new InvertBlock(new InvertOptions { Iterations = 2, Levelling = Levelling.Raw }).ProcessAsync(mel, BlockTestContext.For(mel), CancellationToken.None);

        levelled.Channels[0].Should().Equal(raw.Channels[0]);
    }
}
