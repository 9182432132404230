using System.Collections.Concurrent;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Datasets.Jamendo;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Http;

namespace SpectroFlow.Datasets.Tests;

/// <summary>A fake Jamendo API, a temporary project folder and a run context, for driving the input and the download step.</summary>
internal sealed class JamendoHarness : IAsyncDisposable
{
    /// <summary>A distinctive client id: it must never show up in a message, metadata or file.</summary>
    public const string ClientId = "zq7CLIENTsecret42";

    public static readonly byte[] Mp3 = File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "house_c_major_124bpm.mp3"));

    public static readonly byte[] Ogg = File.ReadAllBytes(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples", "lofi_d_dorian_80bpm.ogg"));

    public JamendoHarness()
    {
        Api = new FakeJamendoApi(ClientId);
        Root = Path.Combine(Path.GetTempPath(), "sf-jamendo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "client_id.txt"), ClientId + "\n");
        Run = NewRun();
    }

    public FakeJamendoApi Api { get; }

    public string Root { get; }

    public string OutputRoot => Path.Combine(Root, "out");

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<LeftOutRecord> LeftOut { get; } = new();

    public RunContext Run { get; private set; }

    public long? Expected { get; private set; }

    public static DatasetServices Services { get; } = new(
        AudioDecoder.DecodedSeconds,
        _ => throw new NotSupportedException(),
        (_, _, _) => throw new NotSupportedException());

    /// <summary>A fresh run over the same folders (a re-run).</summary>
    public RunContext NewRun()
    {
        Run = new RunContext(42, OutputRoot, new SharedResources(), line => Log.Enqueue(line), Root)
        {
            LeftOutSink = (record, _) => LeftOut.Enqueue(record),
        };
        return Run;
    }

    public JamendoSourceOptions Options(string query = "", int pageSize = 200, int retries = 3, int maxTracks = 0, JamendoAudioFormat format = JamendoAudioFormat.Mp32, int timeout = 10) => new()
    {
        Url = Api.BaseUrl,
        ClientIdFile = new InputPath("client_id.txt"),
        Query = query,
        PageSize = pageSize,
        Retries = retries,
        RetryDelayMs = 1,
        QuotaBackoffS = 0.01,
        TimeoutS = timeout,
        MaxTracks = maxTracks,
        AudioFormat = format,
    };

    public static FakeTrack Track(int id, string name = "Title", string artist = "Artist", byte[]? payload = null, int duration = 12) =>
        new() { Id = id, Name = name, Artist = artist, Payload = payload ?? Mp3, Duration = duration };

    public void AddTracks(int from, int count)
    {
        for (int id = from; id < from + count; id++)
        {
            Api.Tracks.Add(Track(id));
        }
    }

    public async Task<List<SourceItem<JamendoTrack>>> ListAsync(JamendoSourceOptions options)
    {
        var source = new JamendoSource(options);
        var items = new List<SourceItem<JamendoTrack>>();
        RunContext context = Run.ForSource(count => Expected = count, "tracks");
        await foreach (SourceItem<JamendoTrack> item in source.ReadAsync(context, CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>The step; <paramref name="timeout"/> is short only where a test makes the server stall (it costs that long).</summary>
    public DownloadBlock Download(int retries = 3, int timeout = 10) =>
        new(new DownloadOptions { TimeoutS = timeout, Retries = retries, RetryDelayMs = 1 }, Services, new BlockServices("download", Run));

    public static async Task<(SourceFile File, BlockContext Context)> DownloadAsync(DownloadBlock block, RunContext run, SourceItem<JamendoTrack> item)
    {
        var context = new BlockContext(run, "download", WorkItem.Create(item.Key, 0, item.Payload, 42, item.Metadata));
        SourceFile file = await block.ProcessAsync(item.Payload, context, CancellationToken.None);
        return (file, context);
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await Run.Resources.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
