using System.Text;

namespace SpectroFlow.Datasets.Tests;

public sealed class SafeFileNameTests
{
    [Theory]
    [InlineData("Artist - Title", "Artist - Title")]
    [InlineData("a/b\\c", "a_b_c")]
    [InlineData("<>:\"|?*", "_______")]
    [InlineData("..", "untitled")]
    [InlineData("../../etc/passwd", "_.._etc_passwd")]
    [InlineData("  .hidden. ", "hidden")]
    [InlineData("a\tb\nc\r\n", "a b c")]
    [InlineData("", "untitled")]
    [InlineData(" . . ", "untitled")]
    [InlineData("CON", "_CON")]
    [InlineData("con.txt", "_con.txt")]
    [InlineData("Nul", "_Nul")]
    [InlineData("LPT9", "_LPT9")]
    [InlineData("com1.mp3", "_com1.mp3")]
    [InlineData("COM0", "COM0")]
    [InlineData("CONSOLE", "CONSOLE")]
    [InlineData("Caf\u0065\u0301", "Caf\u00e9")]
    public void Maps_hostile_text_to_a_safe_name(string text, string expected) => SafeFileName.From(text).Should().Be(expected);

    [Fact]
    public void Nfc_and_nfd_forms_give_the_same_name()
    {
        string nfc = SafeFileName.From("Beyonc\u00e9 - R\u00e9sum\u00e9");
        string nfd = SafeFileName.From("Beyonce\u0301 - Re\u0301sume\u0301");
        nfd.Should().Be(nfc).And.Be("Beyonc\u00e9 - R\u00e9sum\u00e9");
    }

    [Fact]
    public void Long_text_is_cut_to_the_byte_budget_without_splitting_a_surrogate_pair()
    {
        string emoji = string.Concat(Enumerable.Repeat("\U0001F3B5", 100));
        string name = SafeFileName.From("x" + emoji);
        Encoding.UTF8.GetByteCount(name).Should().Be(77); // 'x' + 19 four-byte emoji: one more would pass 80
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(new UTF8Encoding(false, true).GetBytes(name)).Should().Be(name);

        string latin = SafeFileName.From(new string('a', 300) + "\u00e9", maxBytes: 120);
        latin.Should().Be(new string('a', 120));
    }

    [Fact]
    public void Random_hostile_text_always_gives_one_safe_component()
    {
        string[] pieces = ["/", "\\", "..", ".", " ", "\t", "\n", "CON", "nul", "com3", ":", "*", "?", "\"", "<", ">", "|", "\u00e9", "e\u0301", "\U0001F3B5", "\uD83C", "a", "Z", "-", "\0"];
        var random = new Random(1234);
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        for (int i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder();
            int count = random.Next(0, 60);
            for (int j = 0; j < count; j++)
            {
                builder.Append(pieces[random.Next(pieces.Length)]);
            }

            string text = builder.ToString();
            string name = SafeFileName.From(text, 40);
            name.Should().NotBeEmpty();
            name.IndexOfAny(['/', '\\', '<', '>', ':', '"', '|', '?', '*']).Should().Be(-1, $"'{text}' gave '{name}'");
            name.Any(char.IsControl).Should().BeFalse();
            name.Should().NotStartWith(".").And.NotEndWith(".").And.NotStartWith(" ").And.NotEndWith(" ");
            name.Should().NotBe("..");
            SafeFileName.IsReserved(name).Should().BeFalse($"'{text}' gave '{name}'");
            Encoding.UTF8.GetByteCount(name).Should().BeLessThanOrEqualTo(40);
            CountLoneSurrogates(name).Should().Be(0);
            strict.GetString(strict.GetBytes(name)).Should().Be(name);
        }
    }

    private static int CountLoneSurrogates(string text)
    {
        int count = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                count++;
            }
        }

        return count;
    }
}
