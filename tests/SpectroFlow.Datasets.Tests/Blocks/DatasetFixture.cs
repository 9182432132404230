using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Datasets.Tests.Blocks;

/// <summary>One source track of the test set: its key, metadata, and what the run reported for it.</summary>
internal sealed record TrackSpec(string Key, Dictionary<string, object> Metadata, string[] Errors, LeftOutRecord[] LeftOut);

/// <summary>An output root, a run and the three hostile test tracks (two Jamendo, one local file), two slices each.</summary>
internal sealed class DatasetFixture : IDisposable
{
    public const string Step = "dataset";

    private readonly TemporaryDirectory _root = new();

    public DatasetFixture()
    {
        Run = NewRun();
    }

    public static DatasetServices Services { get; } = new((_, _) => 0, SpectrogramPng.Encode, ImageConversions.EncodeRgbPng);

    public static IReadOnlyList<TrackSpec> Tracks { get; } =
    [
        new("1001-night-drive.mp3", new(StringComparer.Ordinal)
        {
            ["jamendo_id"] = "1001",
            ["title"] = "Night, \"Drive\"",
            ["artist"] = "Zoë & Co",
            ["album"] = "Line\nBreak",
            ["track_url"] = "https://www.jamendo.com/track/1001",
            ["license_url"] = "http://creativecommons.org/licenses/by-sa/3.0/",
            ["genres"] = "rock, pop",
            ["instruments"] = "guitar",
            ["bpm"] = 119.6,
            ["api_duration_seconds"] = 200.0,
        }, [], [new LeftOutRecord("select", "1001-night-drive.mp3#2", "near-silent")]),
        new("1002-ete.mp3", new(StringComparer.Ordinal)
        {
            ["jamendo_id"] = "1002",
            ["title"] = "Été | señor [live] *",
            ["artist"] = "Ana, \"the\" Singer",
            ["album"] = string.Empty,
            ["track_url"] = "https://www.jamendo.com/track/1002",
            ["license_url"] = "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            ["genres"] = "electronic",
            ["vartags"] = "happy",
            ["vocalinstrumental"] = "vocal",
            ["api_duration_seconds"] = 61.0,
        }, ["mel: 1002-ete.mp3#2: cannot read the last slice"], []),
        new("local/song.wav", new(StringComparer.Ordinal)
        {
            ["bpm"] = 90L,
        }, [], []),
    ];

    public RunContext Run { get; private set; }

    public List<string> Log { get; } = [];

    public string Root => _root.Path;

    /// <summary>Starts another run on the same output root (a resumed run).</summary>
    public void NextRun() => Run = NewRun();

    public WriteDatasetBlock Block(WriteDatasetOptions options) => new(options, Services, new BlockServices(Step, Run));

    public static SpectrogramImage Image(int width = 512, int height = 512, int seed = 0)
    {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)((i / 3 * 7 + seed * 31) % 251);
        }

        return new SpectrogramImage(width, height, rgb, SpectrogramParams.Riffusion, name: "test");
    }

    /// <summary>The two slices of <paramref name="track"/> as the engine would deliver them.</summary>
    public static List<WorkItem> Slices(TrackSpec track, int ordinal)
    {
        var metadata = new Dictionary<string, object>(track.Metadata, StringComparer.Ordinal)
        {
            [WorkItem.Keys.Input] = "songs",
            [WorkItem.Keys.InputKey] = track.Key,
        };
        WorkItem source = WorkItem.Create(track.Key, ordinal, Image(), 42, metadata);
        var slices = new List<WorkItem>();
        for (int i = 0; i < 2; i++)
        {
            slices.Add(source.CreateChild(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Image(seed: ordinal * 2 + i), i)
                .WithMetadata([new(WorkItem.Keys.ClipIndex, (long)i), new("end_ms", (i + 1) * 5119L)]));
        }

        return slices;
    }

    /// <summary>Writes the slices of <paramref name="track"/> through <paramref name="block"/> and describes the item as the manifest would.</summary>
    public async Task<FinishedItem> ProcessAsync(WriteDatasetBlock block, TrackSpec track, int ordinal)
    {
        var outputs = new List<FinishedOutput>();
        foreach (WorkItem slice in Slices(track, ordinal))
        {
            var context = new BlockContext(Run, Step, slice);
            WrittenFile file = await block.ProcessAsync((SpectrogramImage)slice.Payload, context, CancellationToken.None);
            var metadata = new Dictionary<string, object>(slice.Metadata, StringComparer.Ordinal);
            foreach ((string key, object value) in context.OutputMetadata)
            {
                metadata[key] = value;
            }

            outputs.Add(new FinishedOutput(file.RelativePath, file.Sha256, slice.Key, Step, metadata));
        }

        // Another writer's file for the same track: not part of the dataset.
        outputs.Add(new FinishedOutput($"previews/{ordinal}.png", new string('0', 64), track.Key, "png", new Dictionary<string, object>()));
        return new FinishedItem(track.Key, track.Errors.Length == 0, outputs, track.Errors, track.LeftOut);
    }

    /// <summary>Writes all three tracks and returns the outcome a complete unsharded run would give.</summary>
    public async Task<RunOutcome> WriteAllAsync(WriteDatasetBlock block)
    {
        var items = new List<FinishedItem>();
        for (int i = 0; i < Tracks.Count; i++)
        {
            items.Add(await ProcessAsync(block, Tracks[i], i));
        }

        return Outcome(items);
    }

    public static RunOutcome Outcome(IReadOnlyList<FinishedItem> items, string? shard = null) => new(
        items,
        [new LeftOutRecord("songs", "1003", "download not allowed"), new LeftOutRecord("songs", "1004", "download not allowed")],
        Complete: true,
        shard);

    /// <summary>Every file under the root, relative, '/' separated, ordinal order.</summary>
    public string[] Listing() =>
        [.. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    public string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    public void Dispose() => _root.Dispose();

    private RunContext NewRun() => new(42, _root.Path, new SharedResources(), Log.Add);
}
