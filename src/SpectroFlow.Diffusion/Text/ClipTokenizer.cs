using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Text;

/// <summary>
/// CLIP's tokenizer, exactly as transformers' CLIPTokenizer (and OpenAI CLIP) encodes prompts for Stable Diffusion 1.x:
/// HTML-unescaped, NFC, whitespace collapsed and lower-cased; split with CLIP's pattern (every digit its own word);
/// UTF-8 bytes mapped to printable characters (bytes_to_unicode); byte-level BPE with <c>&lt;/w&gt;</c> on each word's
/// last symbol; then BOS 49406, at most 75 ids, EOS 49407, padded with the pad id to 77.
/// </summary>
public sealed partial class ClipTokenizer
{
    /// <summary>Ids per prompt the text encoder takes.</summary>
    public const int MaxLength = 77;

    private const string EndOfWord = "</w>";
    private const string StartOfText = "<|startoftext|>";
    private const string EndOfText = "<|endoftext|>";

    private static readonly string[] s_byteToUnicode = ByteToUnicode();
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<(string, string), int> _mergeRanks;
    private readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();

    private ClipTokenizer(Dictionary<string, int> vocabulary, Dictionary<(string, string), int> mergeRanks, int bosId, int eosId, int padId)
    {
        _vocabulary = vocabulary;
        _mergeRanks = mergeRanks;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
    }

    /// <summary>The start-of-text id (49406 for CLIP).</summary>
    public int BosId { get; }

    /// <summary>The end-of-text id (49407 for CLIP).</summary>
    public int EosId { get; }

    /// <summary>The id the sequence is padded with (SD 1.x: the end-of-text id).</summary>
    public int PadId { get; }

    /// <summary>
    /// Loads <c>vocab.json</c> and <c>merges.txt</c> from <paramref name="folder"/> (a model's <c>tokenizer/</c>). A missing
    /// or malformed file is one <see cref="SpectroFlowException"/> naming it.
    /// </summary>
    public static ClipTokenizer Load(string folder)
    {
        string vocabPath = Path.Combine(folder, "vocab.json");
        string mergesPath = Path.Combine(folder, "merges.txt");
        foreach (string path in new[] { vocabPath, mergesPath })
        {
            if (!File.Exists(path))
            {
                throw new SpectroFlowException($"{path}: file not found (a CLIP tokenizer needs vocab.json and merges.txt)");
            }
        }

        Dictionary<string, int> vocabulary;
        try
        {
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath)) ?? [];
        }
        catch (JsonException e)
        {
            throw new SpectroFlowException($"{vocabPath}: not a JSON map of tokens to ids ({e.Message})", e);
        }

        if (!vocabulary.TryGetValue(StartOfText, out int bos) || !vocabulary.TryGetValue(EndOfText, out int eos))
        {
            throw new SpectroFlowException($"{vocabPath}: has no {StartOfText} or {EndOfText} token; not a CLIP vocabulary");
        }

        var ranks = new Dictionary<(string, string), int>();
        int rank = 0;
        foreach (string line in File.ReadLines(mergesPath))
        {
            if (line.StartsWith("#version", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            string[] pair = line.Split(' ');
            if (pair.Length != 2)
            {
                throw new SpectroFlowException(string.Create(CultureInfo.InvariantCulture, $"{mergesPath}: line {rank + 2} is not a merge 'a b': '{line}'"));
            }

            ranks.TryAdd((pair[0], pair[1]), rank++);
        }

        return new ClipTokenizer(vocabulary, ranks, bos, eos, padId: eos);
    }

    /// <summary>The text as CLIP sees it before splitting: HTML-unescaped, NFC, whitespace collapsed, trimmed, lower-cased.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string unescaped = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Normalize(NormalizationForm.FormC);
        return Whitespace().Replace(unescaped, " ").Trim().ToLowerInvariant();
    }

    /// <summary>The BPE ids of <paramref name="text"/>, without BOS, EOS or padding.</summary>
    public IReadOnlyList<int> EncodeTokens(string text)
    {
        var ids = new List<int>();
        foreach (Match word in WordPattern().Matches(Clean(text)))
        {
            if (word.Value is StartOfText or EndOfText && _vocabulary.TryGetValue(word.Value, out int special))
            {
                ids.Add(special);
                continue;
            }

            foreach (string token in Bpe(ToByteSymbols(word.Value)))
            {
                ids.Add(_vocabulary.TryGetValue(token, out int id) ? id : EosId);
            }
        }

        return ids;
    }

    /// <summary>
    /// The 77 ids the text encoder takes: BOS, the first 75 BPE ids (longer prompts are truncated; <paramref name="truncated"/>
    /// says by how many), EOS, then padding.
    /// </summary>
    public int[] Encode(string text, out int truncated)
    {
        IReadOnlyList<int> tokens = EncodeTokens(text);
        int kept = Math.Min(tokens.Count, MaxLength - 2);
        truncated = tokens.Count - kept;
        var ids = new int[MaxLength];
        Array.Fill(ids, PadId);
        ids[0] = BosId;
        for (int i = 0; i < kept; i++)
        {
            ids[i + 1] = tokens[i];
        }

        ids[kept + 1] = EosId;
        return ids;
    }

    /// <summary>The 77 ids of <paramref name="text"/> (truncated silently; see the other overload).</summary>
    public int[] Encode(string text) => Encode(text, out _);

    private static string ToByteSymbols(string word)
    {
        var text = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(word))
        {
            text.Append(s_byteToUnicode[b]);
        }

        return text.ToString();
    }

    private string[] Bpe(string word)
    {
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(word, out string[]? cached))
            {
                return cached;
            }
        }

        // Symbols are text elements of the byte-mapped word (each one character); the last carries </w>.
        var symbols = new List<string>(word.Length);
        for (int i = 0; i < word.Length; i++)
        {
            symbols.Add(i == word.Length - 1 ? word[i] + EndOfWord : word[i].ToString());
        }

        while (symbols.Count > 1)
        {
            int bestRank = int.MaxValue;
            (string, string) best = default;
            for (int i = 0; i < symbols.Count - 1; i++)
            {
                if (_mergeRanks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = (symbols[i], symbols[i + 1]);
                }
            }

            if (bestRank == int.MaxValue)
            {
                break;
            }

            // Merge every occurrence of the best pair, left to right, as CLIP's bpe() does.
            var merged = new List<string>(symbols.Count);
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i < symbols.Count - 1 && symbols[i] == best.Item1 && symbols[i + 1] == best.Item2)
                {
                    merged.Add(best.Item1 + best.Item2);
                    i++;
                }
                else
                {
                    merged.Add(symbols[i]);
                }
            }

            symbols = merged;
        }

        string[] result = [.. symbols];
        lock (_cacheLock)
        {
            _cache[word] = result;
        }

        return result;
    }

    /// <summary>GPT-2/CLIP bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n.</summary>
    private static string[] ByteToUnicode()
    {
        var map = new string[256];
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = ((char)(printable ? b : 256 + extra++)).ToString();
        }

        return map;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase)]
    private static partial Regex WordPattern();
}
