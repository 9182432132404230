using System.Text.Json;
using SpectroFlow.Core.Errors;
using SpectroFlow.Diffusion.Text;
using SpectroFlow.TestKit;

namespace SpectroFlow.Diffusion.Tests.Text;

/// <summary>The CLIP tokenizer against the fixture's reference cases (token ids exactly, from transformers' CLIPTokenizer).</summary>
public class ClipTokenizerTests
{
    private static readonly string s_fixture = TestFiles.Fixture("tiny-sd");
    private static readonly Lazy<ClipTokenizer> s_tokenizer = new(() => ClipTokenizer.Load(Path.Combine(s_fixture, "tokenizer")));

    public static TheoryData<string> Cases => [.. ReadCases().Select(c => c.GetProperty("id").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_ReferenceCase_GivesExactlyTheReferenceIds(string id)
    {
        JsonElement reference = ReadCases().Single(c => c.GetProperty("id").GetString() == id);
        string prompt = reference.GetProperty("prompt").GetString()!;

        int[] ids = s_tokenizer.Value.Encode(prompt);

        ClipTokenizer.Clean(prompt).Should().Be(reference.GetProperty("cleaned").GetString());
        ids.Should().Equal(reference.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public void Encode_LongPrompt_KeepsBosSeventyFiveIdsAndEos_AndSaysHowManyWereCut()
    {
        string prompt = string.Join(" ", Enumerable.Repeat("warm analog synth pads", 30));

        int[] ids = s_tokenizer.Value.Encode(prompt, out int truncated);

        ids.Should().HaveCount(77);
        ids[0].Should().Be(49406);
        ids[76].Should().Be(49407);
        ids[1..76].Should().NotContain(49407);
        truncated.Should().Be(s_tokenizer.Value.EncodeTokens(prompt).Count - 75).And.BePositive();
    }

    [Fact]
    public void Load_MissingMerges_IsOneLineNamingTheFile()
    {
        using var directory = new TemporaryDirectory();
        File.Copy(Path.Combine(s_fixture, "tokenizer", "vocab.json"), directory.File("vocab.json"));

        Action load = () => ClipTokenizer.Load(directory.Path);

        load.Should().Throw<SpectroFlowException>().WithMessage("*merges.txt: file not found*");
    }

    private static IEnumerable<JsonElement> ReadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_fixture, "cases.json")));
        return [.. document.RootElement.GetProperty("tokenizer_cases").EnumerateArray().Select(c => c.Clone())];
    }
}
