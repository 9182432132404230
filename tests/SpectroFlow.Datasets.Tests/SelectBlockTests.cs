using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Datasets.Blocks;

namespace SpectroFlow.Datasets.Tests;

public sealed class SelectBlockTests
{
    private static readonly SelectOptions s_tempo = new() { MinBpm = 90, MaxBpm = 130 };

    public static TheoryData<string, SelectOptions, Dictionary<string, object>, string?> Cases => new()
    {
        { "bpm inside", s_tempo, Meta(("bpm", 120.5)), null },
        { "bpm at min", s_tempo, Meta(("bpm", 90L)), null },
        { "bpm at max", s_tempo, Meta(("bpm", 130)), null },
        { "bpm string", s_tempo, Meta(("bpm", " 129.9 ")), null },
        { "bpm below", s_tempo, Meta(("bpm", 89.99)), "tempo outside 90-130 bpm" },
        { "bpm above string", s_tempo, Meta(("bpm", "131")), "tempo outside 90-130 bpm" },
        { "bpm missing", s_tempo, Meta(("tempo_confidence", 0.9)), "no tempo" },
        { "bpm not a number", s_tempo, Meta(("bpm", "fast")), "no tempo" },
        { "bpm NaN", s_tempo, Meta(("bpm", double.NaN)), "no tempo" },
        { "min bpm only", new SelectOptions { MinBpm = 100.5 }, Meta(("bpm", 100)), "tempo below 100.5 bpm" },
        { "max bpm only", new SelectOptions { MaxBpm = 100 }, Meta(("bpm", 100.01)), "tempo above 100 bpm" },
        { "confidence ok", new SelectOptions { MinTempoConfidence = 0.5 }, Meta(("tempo_confidence", 0.5)), null },
        { "confidence low", new SelectOptions { MinTempoConfidence = 0.5 }, Meta(("tempo_confidence", "0.49")), "tempo confidence below 0.5" },
        { "confidence missing", new SelectOptions { MinTempoConfidence = 0.5 }, Meta(("bpm", 120.0)), "no tempo" },
        { "duration inside", Duration(), Meta(("duration_seconds", 30.0)), null },
        { "duration above", Duration(), Meta(("duration_seconds", 600.5)), "duration outside 30-600 s" },
        { "api duration used", Duration(), Meta(("api_duration_seconds", 29L)), "duration outside 30-600 s" },
        { "decoded duration wins", Duration(), Meta(("duration_seconds", 31.0), ("api_duration_seconds", 29L)), null },
        { "api duration string", Duration(), Meta(("api_duration_seconds", "245")), null },
        { "duration missing", Duration(), Meta(("bpm", 120.0)), "no duration" },
        { "min seconds only", new SelectOptions { MinSeconds = 5 }, Meta(("duration_seconds", 4.9)), "duration below 5 s" },
        { "max seconds only", new SelectOptions { MaxSeconds = 5 }, Meta(("duration_seconds", 5.1)), "duration above 5 s" },
        { "tags all, any case and key", new SelectOptions { TagsAll = ["Rock", "piano"] }, Meta(("genres", "rock,pop"), ("instruments", "PIANO, drums")), null },
        { "tags all missing one", new SelectOptions { TagsAll = ["rock", "piano"] }, Meta(("genres", "rock"), ("vartags", "energetic")), "missing tags: piano" },
        { "tags all missing both", new SelectOptions { TagsAll = ["rock", "piano"] }, Meta(("tags", "jazz")), "missing tags: rock, piano" },
        { "tags all, no tag metadata", new SelectOptions { TagsAll = ["rock"] }, Meta(), "missing tags: rock" },
        { "tag is a whole entry", new SelectOptions { TagsAll = ["rock"] }, Meta(("genres", "rocksteady,punkrock")), "missing tags: rock" },
        { "tags any one of", new SelectOptions { TagsAny = ["rock", "pop"] }, Meta(("vartags", "Pop")), null },
        { "tags any none", new SelectOptions { TagsAny = ["rock", "pop"] }, Meta(("genres", "jazz")), "none of tags: rock, pop" },
        { "licence allowed", Licences(), Meta(("license_kind", "by-sa")), null },
        { "licence any case", Licences(), Meta(("license_kind", "CC0")), null },
        { "licence not allowed", Licences(), Meta(("license_kind", "by-nc-nd")), "licence by-nc-nd not allowed" },
        { "no licence passes", Licences(), Meta(("source_path", "a.wav")), null },
        { "instrumental ok", new SelectOptions { Vocal = VocalSelection.Instrumental }, Meta(("vocalinstrumental", "instrumental")), null },
        { "instrumental wanted", new SelectOptions { Vocal = VocalSelection.Instrumental }, Meta(("vocalinstrumental", "vocal")), "not instrumental" },
        { "vocal wanted", new SelectOptions { Vocal = VocalSelection.Vocal }, Meta(("vocalinstrumental", "instrumental")), "not vocal" },
        { "vocal unknown", new SelectOptions { Vocal = VocalSelection.Vocal }, Meta(), "vocal/instrumental unknown" },
        { "first failing condition", new SelectOptions { MinBpm = 90, MaxSeconds = 10, Licences = ["cc0"] }, Meta(("bpm", 80.0), ("duration_seconds", 20.0), ("license_kind", "by")), "tempo below 90 bpm" },
        { "all met", new SelectOptions { MinBpm = 90, MaxSeconds = 10, Licences = ["cc0"], TagsAny = ["rock"], Vocal = VocalSelection.Instrumental }, Meta(("bpm", 95.0), ("duration_seconds", 5.0), ("license_kind", "cc0"), ("genres", "rock"), ("vocalinstrumental", "instrumental")), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Check_GivesTheExactReason(string name, SelectOptions options, Dictionary<string, object> metadata, string? expected)
    {
        SelectBlock.Check(options, metadata).Should().Be(expected, name);
    }

    [Fact]
    public async Task Select_PassesThePayloadThroughUnchanged()
    {
        var clip = new AudioClip(8000, [new float[10]]);
        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(s_tempo, clip, Meta(("bpm", 100.0)));

        leftOut.Should().BeEmpty();
        ItemOutput<AudioClip> output = outputs.Should().ContainSingle().Subject;
        output.Payload.Should().BeSameAs(clip);
        output.Metadata.Should().BeNull();
    }

    [Fact]
    public async Task Select_LeavesOutWithTheReason()
    {
        var clip = new AudioClip(8000, [new float[10]]);
        (List<ItemOutput<AudioClip>> outputs, List<LeftOutRecord> leftOut) = await RunAsync(s_tempo, clip, Meta(("bpm", 140.0)));

        outputs.Should().BeEmpty();
        leftOut.Should().Equal(new LeftOutRecord("select", "tracks/7.mp3", "tempo outside 90-130 bpm"));
    }

    [Fact]
    public void Validate_NoCondition_IsAnError()
    {
        Errors(new SelectOptions()).Should().Equal(
            "(none): needs at least one condition: min_bpm, max_bpm, min_tempo_confidence, min_seconds, max_seconds, tags_all, tags_any, licences or vocal");
        Errors(new SelectOptions { Vocal = VocalSelection.Vocal }).Should().BeEmpty();
    }

    [Fact]
    public void Validate_BoundsAndLists()
    {
        Errors(new SelectOptions { MinBpm = 130, MaxBpm = 90.5 }).Should().Equal("max_bpm: must not be less than min_bpm (130)");
        Errors(new SelectOptions { MinSeconds = 10, MaxSeconds = 10 }).Should().BeEmpty();
        Errors(new SelectOptions { MinSeconds = -1 }).Should().Equal("min_seconds: must not be negative");
        Errors(new SelectOptions { MaxSeconds = -1 }).Should().Equal("max_seconds: must not be negative");
        Errors(new SelectOptions { TagsAll = [] }).Should().Equal("tags_all: must name at least one value");
        Errors(new SelectOptions { TagsAny = ["rock", " "] }).Should().Equal("tags_any: must not contain an empty value");
        Errors(new SelectOptions { Licences = [""] }).Should().Equal("licences: must not contain an empty value");
    }

    private static SelectOptions Duration() => new() { MinSeconds = 30, MaxSeconds = 600 };

    private static SelectOptions Licences() => new() { Licences = ["by", "by-sa", "cc0"] };

    private static Dictionary<string, object> Meta(params (string Key, object Value)[] values)
    {
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach ((string key, object value) in values)
        {
            metadata[key] = value;
        }

        return metadata;
    }

    private static List<string> Errors(SelectOptions options)
    {
        var errors = new ValidationErrors();
        options.Validate(errors);
        return [.. errors.Errors.Select(e => $"{e.Key ?? "(none)"}: {e.Message}")];
    }

    private static async Task<(List<ItemOutput<AudioClip>> Outputs, List<LeftOutRecord> LeftOut)> RunAsync(SelectOptions options, AudioClip clip, Dictionary<string, object> metadata)
    {
        var leftOut = new List<LeftOutRecord>();
        var run = new RunContext(42, "/tmp", new SharedResources()) { LeftOutSink = (record, roots) => leftOut.Add(record) };
        var context = new BlockContext(run, "select", WorkItem.Create("tracks/7.mp3", 0, clip, 42, metadata));
        var outputs = new List<ItemOutput<AudioClip>>();
        await foreach (ItemOutput<AudioClip> output in new SelectBlock<AudioClip>(options).ExpandAsync(clip, context, CancellationToken.None))
        {
            outputs.Add(output);
        }

        return (outputs, leftOut);
    }
}
