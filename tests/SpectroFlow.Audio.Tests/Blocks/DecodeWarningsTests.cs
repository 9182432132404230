using SpectroFlow.Audio.Blocks;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Blocks;

/// <summary>decode and decode-slices log what the decoder noticed as <c>warning: STEP: ITEM: PROBLEM</c> in the run's log.</summary>
[Collection(HeldOutMusicGroup.Name)]
public sealed class DecodeWarningsTests(HeldOutMusic music) : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Decode_TruncatedWav_LogsAWarningNamingTheStepItemAndMissingLength()
    {
        byte[] wav = AudioEncoder.EncodeWav(new AudioClip(8000, [SignalGenerator.Sine(440, 8000, 16000)]));
        string path = _directory.File("cut.wav");
        await File.WriteAllBytesAsync(path, wav[..(44 + 8000)]);
        var log = new List<string>();

        AudioClip clip = await new DecodeBlock().ProcessAsync(new SourceFile(path, "songs/cut.wav"), Context(log, "songs/cut.wav", "decode"), CancellationToken.None);

        clip.Frames.Should().Be(4000);
        log.Should().Equal("warning: decode: songs/cut.wav: the file is cut short: its data chunk states 2.00 s of audio but only 0.50 s are present; 1.50 s missing (from 0.50 s to 2.00 s)");
    }

    [Fact]
    public async Task DecodeSlices_DamagedOgg_LogsTheDamageWithItsTimeRange()
    {
        byte[] data = await File.ReadAllBytesAsync(music.Ogg);
        byte[] garbage = new byte[30_000];
        new Random(7).NextBytes(garbage);
        garbage.CopyTo(data, data.Length / 2);
        string path = _directory.File("damaged.ogg");
        await File.WriteAllBytesAsync(path, data);
        var log = new List<string>();
        var block = new DecodeSlicesBlock(new DecodeSlicesOptions { ClipMs = ClipSlicer.DefaultClipMs, Last = LastClipPolicy.Drop });

        List<ItemOutput<AudioClip>> clips = await BlockTestContext.ToListAsync(
            block.ExpandAsync(new SourceFile(path, "damaged.ogg"), Context(log, "damaged.ogg", "cut"), CancellationToken.None));

        clips.Should().HaveCount(7);
        log.Should().HaveCount(2);
        log[0].Should().MatchRegex(@"^warning: cut: damaged\.ogg: damaged Ogg data skipped at \d+\.\d\d s: 3\d,\d\d\d bytes .* of audio lost \(from \d+\.\d\d s to \d+\.\d\d s of the original\)$");
        log[1].Should().StartWith("warning: cut: damaged.ogg: only ").And.Contain("but the file states 40.61 s");
    }

    private static BlockContext Context(List<string> log, string key, string step)
    {
        var run = new RunContext(42, Path.GetTempPath(), new SharedResources(), log.Add);
        return new BlockContext(run, step, WorkItem.Create(key, 0, new object(), 42));
    }
}
