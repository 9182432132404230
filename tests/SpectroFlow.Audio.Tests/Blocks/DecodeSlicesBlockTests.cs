using SpectroFlow.Audio.Blocks;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Blocks;

/// <summary>decode-slices gives what decode then slice give (keys, metadata, samples); decode refuses files over max_minutes.</summary>
public sealed class DecodeSlicesBlockTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, int, LastClipPolicy> Inputs => new()
    {
        { "riffusion/clip_2_start_103694_ms_duration_5678_ms.wav", ClipSlicer.DefaultClipMs, LastClipPolicy.Pad },
        { "riffusion/clip_2_start_103694_ms_duration_5678_ms.wav", 1234, LastClipPolicy.Drop },
        { "audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3", 400, LastClipPolicy.Pad },
        { "audio/tone_1000l_2500r_48k_stereo_1000ms.ogg", 300, LastClipPolicy.Drop },
        { "audio/tone_1000_22k05_mono_1000ms.flac", 300, LastClipPolicy.Pad },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task DecodeSlices_EqualsDecodeThenSlice(string fixture, int clipMs, LastClipPolicy last)
    {
        var file = new SourceFile(TestFiles.Fixture(fixture), "music/" + Path.GetFileName(fixture));

        await AssertSameChildren(file, clipMs, last);
    }

    [Fact]
    public async Task DecodeSlices_LongFlacThroughFfmpeg_EqualsDecodeThenSlice()
    {
        string flac = Ffmpeg.Make(_directory, "long.flac", "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=200 -ac 2 -c:a flac");

        List<ItemOutput<AudioClip>> children = await AssertSameChildren(new SourceFile(flac, "long.flac"), ClipSlicer.DefaultClipMs, LastClipPolicy.Drop);

        children.Should().HaveCount(39, "200 s holds 39 whole 5.119 s clips");
    }

    [Fact]
    public async Task DecodeSlices_BadFile_FailsWithOneLineErrorNamingTheItem()
    {
        string path = _directory.File("bad.wav");
        await File.WriteAllTextAsync(path, "not audio at all");
        var file = new SourceFile(path, "bad.wav");

        Func<Task> act = () => BlockTestContext.ToListAsync(new DecodeSlicesBlock(new DecodeSlicesOptions()).ExpandAsync(file, BlockTestContext.For(file, "bad.wav"), CancellationToken.None));

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Contain("bad.wav").And.Contain("text file").And.NotContain("\n");
    }

    [Fact]
    public async Task Decode_WavLongerThanMaxMinutes_FailsWithTheExactMessage()
    {
        string path = _directory.File("mix.wav");
        await File.WriteAllBytesAsync(path, WaveFileBuilder.Simple(1, 1, 8000, 16, new byte[8000 * 2 * 93])); // 93 s = 1.55 min
        var file = new SourceFile(path, "mix.wav");
        var block = new DecodeBlock(new DecodeOptions { MaxMinutes = 1 });

        Func<Task> act = async () => await block.ProcessAsync(file, BlockTestContext.For(file, "mix.wav"), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Be(
            "1.6 min of audio is longer than decode's max_minutes (1); use decode-slices to cut long files with bounded memory, or raise max_minutes");
    }

    [Fact]
    public async Task Decode_FlacOfUnknownLengthOverMaxMinutes_StopsReadingAndFails()
    {
        string flac = Ffmpeg.Make(_directory, "mix.flac", "-f lavfi -i sine=frequency=440:sample_rate=8000:duration=90 -c:a flac");
        var file = new SourceFile(flac, "sets/mix.flac");
        var block = new DecodeBlock(new DecodeOptions { MaxMinutes = 0.5 });

        Func<Task> act = async () => await block.ProcessAsync(file, BlockTestContext.For(file, "sets/mix.flac"), CancellationToken.None);

        (await act.Should().ThrowAsync<SpectroFlowException>()).Which.Message.Should().Be(
            "the audio is longer than decode's max_minutes (0.5); use decode-slices to cut long files with bounded memory, or raise max_minutes");
    }

    [Fact]
    public async Task Decode_WavUnderMaxMinutes_Decodes()
    {
        string path = _directory.File("short.wav");
        await File.WriteAllBytesAsync(path, WaveFileBuilder.Simple(1, 1, 8000, 16, new byte[8000 * 2 * 59]));
        var file = new SourceFile(path, "short.wav");

        AudioClip clip = await new DecodeBlock(new DecodeOptions { MaxMinutes = 1 }).ProcessAsync(file, BlockTestContext.For(file, "short.wav"), CancellationToken.None);

        clip.Frames.Should().Be(8000 * 59);
    }

    [Fact]
    public void DecodeOptions_DefaultMaxMinutes_IsHalfAnHour()
    {
        new DecodeOptions().MaxMinutes.Should().Be(30);
    }

    /// <summary>Runs both recipes' steps as the engine does and compares keys, metadata and samples of every child.</summary>
    private static async Task<List<ItemOutput<AudioClip>>> AssertSameChildren(SourceFile file, int clipMs, LastClipPolicy last)
    {
        KeyValuePair<string, object>[] sourceMetadata = [new("tags", "demo")];
        BlockContext decodeContext = BlockTestContext.For(file, file.RelativePath, step: "decode", metadata: sourceMetadata);
        AudioClip whole = await new DecodeBlock().ProcessAsync(file, decodeContext, CancellationToken.None);
        WorkItem decoded = decodeContext.Item.WithPayload(whole).WithMetadata(decodeContext.OutputMetadata);
        var sliceContext = new BlockContext(decodeContext.Run, "clips", decoded);
        List<ItemOutput<AudioClip>> expected = await BlockTestContext.ToListAsync(
            new SliceBlock(new SliceOptions { ClipMs = clipMs, Last = last }).ExpandAsync(whole, sliceContext, CancellationToken.None));

        BlockContext streamingContext = BlockTestContext.For(file, file.RelativePath, step: "clips", metadata: sourceMetadata);
        List<ItemOutput<AudioClip>> actual = await BlockTestContext.ToListAsync(
            new DecodeSlicesBlock(new DecodeSlicesOptions { ClipMs = clipMs, Last = last }).ExpandAsync(file, streamingContext, CancellationToken.None));

        actual.Should().HaveCount(expected.Count).And.NotBeEmpty();
        for (int i = 0; i < expected.Count; i++)
        {
            WorkItem expectedChild = Child(sliceContext.Item, expected[i]);
            WorkItem actualChild = Child(streamingContext.Item, actual[i]);
            actualChild.Key.Should().Be(expectedChild.Key);
            actualChild.Seed.Should().Be(expectedChild.Seed);
            actualChild.Metadata.Should().Equal(expectedChild.Metadata);
            actual[i].Payload.Name.Should().Be(expected[i].Payload.Name);
            actual[i].Payload.SampleRate.Should().Be(expected[i].Payload.SampleRate);
            actual[i].Payload.ChannelCount.Should().Be(expected[i].Payload.ChannelCount);
            for (int c = 0; c < expected[i].Payload.ChannelCount; c++)
            {
                actual[i].Payload.Channels[c].Should().Equal(expected[i].Payload.Channels[c], $"clip {i}, channel {c}");
            }
        }

        actual[0].Metadata![WorkItem.Keys.SourcePath].Should().Be(file.FullPath);
        return actual;
    }

    private static WorkItem Child(WorkItem parent, ItemOutput<AudioClip> output) =>
        parent.CreateChild(output.KeySuffix!, output.Payload).WithMetadata(output.Metadata!);
}
