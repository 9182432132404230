using System.Security.Cryptography;
using SpectroFlow.Audio.Blocks;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests.Blocks;

public sealed class AudioBlocksTests
{
    private static readonly SourceFile s_wav = new(Fixtures.RiffusionClipWav, "riffusion/clip.wav");

    private static AudioClip Tone(double seconds, int rate = 44100, int channels = 1)
    {
        int frames = (int)(seconds * rate);
        float[][] data = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            data[c] = new float[frames];
            for (int i = 0; i < frames; i++)
            {
                data[c][i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / rate);
            }
        }

        return new AudioClip(rate, data, "tone");
    }

    [Fact]
    public async Task Decode_RealWav_ProducesClipAndMetadata()
    {
        BlockContext context = BlockTestContext.For(s_wav, s_wav.RelativePath);
        AudioClip clip = await new DecodeBlock().ProcessAsync(s_wav, context, CancellationToken.None);

        clip.SampleRate.Should().Be(44100);
        clip.ChannelCount.Should().Be(2);
        clip.Frames.Should().Be(250400);
        context.OutputMetadata[WorkItem.Keys.SourcePath].Should().Be(Fixtures.RiffusionClipWav);
        context.OutputMetadata[DecodeBlock.SampleRateKey].Should().Be(44100L);
        context.OutputMetadata[DecodeBlock.ChannelsKey].Should().Be(2L);
        ((double)context.OutputMetadata[WorkItem.Keys.DurationSeconds]).Should().BeApproximately(5.678, 0.001);
    }

    [Fact]
    public async Task Decode_BadFile_ThrowsOneLineErrorNamingTheItem()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "bad.wav");
        await File.WriteAllTextAsync(path, "not audio at all");
        var file = new SourceFile(path, "bad.wav");

        Func<Task> act = async () => await new DecodeBlock().ProcessAsync(file, BlockTestContext.For(file, "bad.wav"), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Contain("bad.wav").And.NotContain("\n");
    }

    [Fact]
    public async Task Resample_ToMono22k()
    {
        AudioClip input = Tone(1, 44100, 2);
        BlockContext context = BlockTestContext.For(input);
        AudioClip output = await new ResampleBlock(new ResampleOptions { SampleRate = 22050, Channels = ChannelLayout.Mono })
            .ProcessAsync(input, context, CancellationToken.None);

        output.SampleRate.Should().Be(22050);
        output.ChannelCount.Should().Be(1);
        output.Frames.Should().BeCloseTo(22050, 2);
        context.OutputMetadata[DecodeBlock.ChannelsKey].Should().Be(1L);
    }

    [Fact]
    public async Task Resample_KeepAtSameRate_ReturnsInput()
    {
        AudioClip input = Tone(0.5, 44100, 2);
        AudioClip output = await new ResampleBlock(new ResampleOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);
        output.Should().BeSameAs(input);
    }

    [Theory]
    [InlineData(LastClipPolicy.Pad, 2)]
    [InlineData(LastClipPolicy.Drop, 1)]
    public async Task Slice_RealClip_YieldsClipsWithStableKeysAndSpans(LastClipPolicy last, int expected)
    {
        AudioClip input = AudioDecoder.Decode(Fixtures.RiffusionClipWav);
        var block = new SliceBlock(new SliceOptions { Last = last });
        List<ItemOutput<AudioClip>> outputs = await BlockTestContext.ToListAsync(
            block.ExpandAsync(input, BlockTestContext.For(input, metadata: [new(WorkItem.Keys.SourcePath, "/x/song.wav")]), CancellationToken.None));

        outputs.Should().HaveCount(expected);
        outputs.Select(o => o.KeySuffix).Should().Equal(Enumerable.Range(0, expected).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        outputs[0].Metadata![WorkItem.Keys.ClipIndex].Should().Be(0L);
        outputs[0].Metadata![SliceBlock.StartMsKey].Should().Be(0.0);
        ((double)outputs[0].Metadata![SliceBlock.EndMsKey]).Should().BeApproximately(5119, 0.05);
        outputs[0].Payload.Frames.Should().BeInRange(225747, 225748);
        outputs[0].Payload.Name.Should().Be("song_00000");
        if (expected == 2)
        {
            ((double)outputs[1].Metadata![SliceBlock.StartMsKey]).Should().BeApproximately(5119, 0.05);
            outputs[1].Metadata![WorkItem.Keys.ClipIndex].Should().Be(1L);
        }
    }

    [Fact]
    public async Task Slice_Cancelled_Stops()
    {
        AudioClip input = Tone(3);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Func<Task> act = () => BlockTestContext.ToListAsync(new SliceBlock(new SliceOptions { ClipMs = 500 }).ExpandAsync(input, BlockTestContext.For(input), cts.Token));
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Mel_StereoWav_MixesAndProducesRiffusionSizes()
    {
        AudioClip input = AudioDecoder.Decode(Fixtures.RiffusionClipWav);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);

        mel.ChannelCount.Should().Be(1);
        mel.MelBins.Should().Be(512);
        mel.Frames.Should().Be(568);
    }

    [Fact]
    public async Task Mel_ResamplesToParamsRateAndAppliesOverrides()
    {
        AudioClip input = Tone(1, 48000, 1);
        var options = new MelOptions { SampleRate = 22050, MaxHz = 8000, NMels = 128, Stereo = true };
        MelSpectrogram mel = await new MelBlock(options).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);

        mel.Parameters.SampleRate.Should().Be(22050);
        mel.MelBins.Should().Be(128);
        mel.ChannelCount.Should().Be(2);
    }

    [Fact]
    public void MelOptions_Chavinlo_SetsAbsoluteScale()
    {
        new MelOptions { Preset = SpectrogramPreset.Chavinlo }.ToParams().Scale.Should().Be(Core.Spectrograms.IntensityScale.AbsoluteMaxVolume);
    }

    [Fact]
    public void MelOptions_BadValues_ReportsEveryProblemAgainstItsKey()
    {
        var errors = new ValidationErrors();
        new MelOptions { NMels = 4, Power = 9, MaxVolume = -1, StepMs = 0 }.Validate(errors);

        errors.Errors.Select(e => e.Key).Should().Contain(["n_mels", "power", "max_volume", "step_ms"]);
        errors.Errors.Should().OnlyContain(e => e.Key != null);
    }

    [Fact]
    public void MelOptions_LowSampleRate_BlamesSampleRateOrMaxHz()
    {
        var errors = new ValidationErrors();
        new MelOptions { SampleRate = 8000 }.Validate(errors);
        errors.Errors.Select(e => e.Key).Should().Equal("sample_rate");

        errors = new ValidationErrors();
        new MelOptions { MaxHz = 30000 }.Validate(errors);
        errors.Errors.Select(e => e.Key).Should().Equal("max_hz");

        errors = new ValidationErrors();
        new MelOptions().Validate(errors);
        errors.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public async Task Invert_SameContextSeed_GivesIdenticalSamples_OtherSeedDiffers()
    {
        AudioClip input = Tone(1);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);
        var block = new InvertBlock(new InvertOptions { Iterations = 4, PhaseInit = PhaseInit.Random });

        AudioClip a = await block.ProcessAsync(mel, BlockTestContext.For(mel, seed: 7), CancellationToken.None);
        AudioClip b = await block.ProcessAsync(mel, BlockTestContext.For(mel, seed: 7), CancellationToken.None);
        AudioClip c = await block.ProcessAsync(mel, BlockTestContext.For(mel, seed: 8), CancellationToken.None);

        a.SampleRate.Should().Be(44100);
        a.Channels[0].Should().Equal(b.Channels[0]);
        a.Channels[0].SequenceEqual(c.Channels[0]).Should().BeFalse();
    }

    [Theory]
    [InlineData("pghi", "default", null, 32L)]
    [InlineData("random", "draft", null, 8L)]
    [InlineData("pghi", "high", 5, 5L)]
    public async Task Invert_RecordsHowThePhasesWereMade(string phaseInit, string quality, int? iterations, long expectedIterations)
    {
        AudioClip input = Tone(1);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);
        var options = new InvertOptions
        {
            PhaseInit = Enum.Parse<PhaseInit>(phaseInit, ignoreCase: true),
            Quality = Enum.Parse<InversionQuality>(quality, ignoreCase: true),
            Iterations = iterations,
        };
        BlockContext context = BlockTestContext.For(mel);

        await new InvertBlock(options).ProcessAsync(mel, context, CancellationToken.None);

        context.OutputMetadata[InvertBlock.PhaseInitKey].Should().Be(phaseInit);
        context.OutputMetadata[InvertBlock.QualityKey].Should().Be(quality);
        context.OutputMetadata[InvertBlock.IterationsKey].Should().Be(expectedIterations);
    }

    [Fact]
    public async Task Invert_ThreadCount_DoesNotChangeSamples()
    {
        AudioClip input = Tone(1);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);

        AudioClip one = await new InvertBlock(new InvertOptions { Iterations = 4, Threads = 1 }).ProcessAsync(mel, BlockTestContext.For(mel), CancellationToken.None);
        AudioClip all = await new InvertBlock(new InvertOptions { Iterations = 4, Threads = 0 }).ProcessAsync(mel, BlockTestContext.For(mel), CancellationToken.None);

        one.Channels[0].Should().Equal(all.Channels[0]);
    }

    [Fact]
    public async Task Invert_Cancelled_Throws()
    {
        AudioClip input = Tone(1);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Func<Task> act = async () => await new InvertBlock(new InvertOptions()).ProcessAsync(mel, BlockTestContext.For(mel), cts.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Invert_DefaultLevelling_IsTheRawReconstructionWithItsPeakAtMinusPointOneDbfs_AndIsRecorded()
    {
        AudioClip input = Tone(0.5);
        MelSpectrogram mel = await new MelBlock(new MelOptions()).ProcessAsync(input, BlockTestContext.For(input), CancellationToken.None);
        AudioClip raw = await new InvertBlock(new InvertOptions { Iterations = 2, Levelling = Levelling.Raw }).ProcessAsync(mel, BlockTestContext.For(mel), CancellationToken.None);
        BlockContext context = BlockTestContext.For(mel);
        AudioClip levelled = await new InvertBlock(new InvertOptions { Iterations = 2 }).ProcessAsync(mel, context, CancellationToken.None);

        raw.Frames.Should().Be(levelled.Frames);
        float gain = OutputLevelling.PeakTarget is var target && raw.Channels[0].Max(MathF.Abs) is var peak ? (float)(target / peak) : 0;
        levelled.Channels[0].Should().Equal(raw.Channels[0].Select(v => v * gain), (a, b) => Math.Abs(a - b) < 1e-7f);
        levelled.Channels[0].Max(MathF.Abs).Should().BeApproximately((float)OutputLevelling.PeakTarget, 1e-6f);
        context.OutputMetadata[InvertBlock.LevellingKey].Should().Be("peak");
    }

    [Fact]
    public async Task WriteAudio_ClipItem_WritesStemWithClipIndexAndHash()
    {
        using var directory = new TemporaryDirectory();
        AudioClip clip = Tone(0.25);
        BlockContext context = BlockTestContext.For(clip, "songs/My Song.mp3#3", directory.Path,
            metadata: [new(WorkItem.Keys.SourcePath, "/in/songs/My Song.mp3"), new(WorkItem.Keys.ClipIndex, 3L)]);

        WrittenFile file = await new WriteAudioBlock(new WriteAudioOptions { Folder = new OutputPath("wav/out"), Name = "{stem}" })
            .ProcessAsync(clip, context, CancellationToken.None);

        file.RelativePath.Should().Be("wav/out/My Song_00003.wav");
        file.FullPath.Should().Be(Path.Combine(directory.Path, "wav", "out", "My Song_00003.wav"));
        byte[] bytes = await File.ReadAllBytesAsync(file.FullPath);
        file.Length.Should().Be(bytes.Length);
        file.Sha256.Should().Be(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        AudioDecoder.Decode(file.FullPath).Frames.Should().Be(clip.Frames);
        Directory.GetFiles(directory.Path, "*" + AtomicFile.TemporarySuffix, SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task WriteAudio_TemplateAndFloat()
    {
        using var directory = new TemporaryDirectory();
        AudioClip clip = Tone(0.25);
        BlockContext context = BlockTestContext.For(clip, "a.wav#12", directory.Path, metadata: [new(WorkItem.Keys.ClipIndex, 12L), new("tags", "x/y")]);

        WrittenFile file = await new WriteAudioBlock(new WriteAudioOptions { Name = "{source_stem}-{clip_index:000}-{tags}-{{k}}", Float = true })
            .ProcessAsync(clip, context, CancellationToken.None);

        file.RelativePath.Should().Be("a-012-x_y-{k}.wav");
        AudioDecoder.Decode(file.FullPath).Channels[0][100].Should().Be(clip.Channels[0][100]);
    }

    [Fact]
    public async Task WriteAudio_MissingMetadata_FailsNamingThePlaceholder()
    {
        using var directory = new TemporaryDirectory();
        AudioClip clip = Tone(0.1);
        Func<Task> act = async () => await new WriteAudioBlock(new WriteAudioOptions { Name = "{nope}" })
            .ProcessAsync(clip, BlockTestContext.For(clip, "x.wav", directory.Path), CancellationToken.None);
        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Contain("'nope'").And.NotContain("x.wav", "the engine's error record names the item");
        Directory.GetFiles(directory.Path).Should().BeEmpty();
    }

    [Fact]
    public void WriteAudioOptions_BadValues_ReportedWithKeys()
    {
        var errors = new ValidationErrors();
        new WriteAudioOptions { Name = "a/{stem}", Bitrate = 100, Float = true, Format = AudioFileFormat.Mp3 }.Validate(errors);
        errors.Errors.Select(e => e.Key).Should().BeEquivalentTo(["name", "bitrate", "float"]);

        errors = new ValidationErrors();
        new WriteAudioOptions { Name = "{stem" }.Validate(errors);
        errors.Errors.Select(e => e.Key).Should().Equal("name");

        errors = new ValidationErrors();
        new WriteAudioOptions().Validate(errors);
        errors.IsEmpty.Should().BeTrue();
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(144)]
    public void WriteAudioOptions_BitrateLameWouldChange_IsRefusedAtLoad(int bitrate)
    {
        var errors = new ValidationErrors();

        new WriteAudioOptions { Format = AudioFileFormat.Mp3, Bitrate = bitrate }.Validate(errors);

        errors.Errors.Should().ContainSingle().Which.Message.Should().Be(
            $"bitrate {bitrate} is not one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320");
    }
}
