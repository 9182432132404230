using SpectroFlow.Datasets.Captions;

namespace SpectroFlow.Datasets.Tests.Captions;

public sealed class CaptionTemplateTests
{
    private const string Default = "{genres}, {instruments}, {vartags}, {vocalinstrumental}, {bpm} bpm";

    public static TheoryData<string, string, string?, string> Cases => new()
    {
        // template, metadata (key=value;… with d: double, l: long, b: bool prefixes), instance prefix, expected
        { Default, "genres=rock", null, "rock" },
        { Default, "genres=rock,pop,rock;instruments=guitar;bpm=d:119.6", null, "rock, pop, guitar, 120 bpm" },
        { Default, "genres=rock;instruments=;vartags= , ;bpm=d:120.5", null, "rock, 121 bpm" },
        { Default, "vocalinstrumental=instrumental", null, "instrumental" },
        { Default, "", null, string.Empty },
        { Default, "", "sks music", "sks music" },
        { Default, "genres=rock;bpm=l:120", "sks music", "sks music, rock, 120 bpm" },
        { "{genres}, {vartags}", "genres=rock;vartags=Rock, happy", null, "rock, happy" },
        { "{bpm:0.0} bpm", "bpm=d:119.64", null, "119.6 bpm" },
        { "clip {clip_index:00000}", "clip_index=l:3", null, "clip 00003" },
        { "  {genres}  ,  live   recording , {missing}", "genres=  rock \t music ", null, "rock music, live recording" },
        { "{vocal}, {loud}", "vocal=b:true;loud=b:false", null, "true, false" },
        { "{{ {genres} }}", "genres=rock", null, "{ rock }" },
        { "{genres} by {artist}, {mood}", "genres=jazz;artist=Zoë", null, "jazz by Zoë" },
        { "spectrogram, {genres}", "", null, "spectrogram" },
        { "{genres},, {bpm} bpm,", "bpm=d:89.5", null, "90 bpm" },
        { "{ genres }", "genres=a,b, c ,,b", null, "a, b, c" },
        { "{bpm:#,0} bpm", "bpm=d:1234", null, "1,234 bpm" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Render_gives_the_expected_caption(string template, string metadata, string? prefix, string expected)
    {
        CaptionTemplate.Parse(template).Render(Metadata(metadata), prefix).Should().Be(expected);
    }

    [Theory]
    [InlineData("{genres", "caption template has an unclosed '{' at position 1")]
    [InlineData("{genres, {bpm}", "caption template has an unclosed '{' at position 1")]
    [InlineData("{}", "caption template has an empty placeholder name at position 1")]
    [InlineData("rock, { :0}", "caption template has an empty placeholder name at position 7")]
    [InlineData("rock}", "caption template has an unmatched '}' at position 5 (write '}}' for a literal brace)")]
    public void Parse_rejects_bad_syntax_in_one_line(string template, string message)
    {
        Action parse = () => CaptionTemplate.Parse(template);
        parse.Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void Names_lists_the_placeholders_in_order()
    {
        CaptionTemplate.Parse(Default + ", {genres}").Names.Should().Equal("genres", "instruments", "vartags", "vocalinstrumental", "bpm");
    }

    [Fact]
    public void A_format_that_does_not_apply_fails_in_one_line()
    {
        Action render = () => CaptionTemplate.Parse("{bpm:D5}").Render(Metadata("bpm=d:120.5"));
        render.Should().Throw<SpectroFlow.Core.Errors.SpectroFlowException>().WithMessage("caption format 'D5' does not apply to 'bpm' (120.5)");
    }

    private static Dictionary<string, object> Metadata(string spec)
    {
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (string pair in spec.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = pair[..equals];
            string value = pair[(equals + 1)..];
            metadata[key] = value switch
            {
                _ when value.StartsWith("d:", StringComparison.Ordinal) => double.Parse(value[2..], System.Globalization.CultureInfo.InvariantCulture),
                _ when value.StartsWith("l:", StringComparison.Ordinal) => long.Parse(value[2..], System.Globalization.CultureInfo.InvariantCulture),
                _ when value.StartsWith("b:", StringComparison.Ordinal) => bool.Parse(value[2..]),
                _ => value,
            };
        }

        return metadata;
    }
}
