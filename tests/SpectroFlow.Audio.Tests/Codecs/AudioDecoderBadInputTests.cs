using System.Text;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.TestKit;
using SpectroFlow.TestKit.Audio;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>Every malformed input must give one InvalidAudioException naming the file and the problem, quickly.</summary>
public sealed class AudioDecoderBadInputTests : IDisposable
{
    private static readonly byte[] s_mp3 = File.ReadAllBytes(TestFiles.Fixture("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3"));
    private static readonly byte[] s_ogg = File.ReadAllBytes(TestFiles.Fixture("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg"));
    private readonly TemporaryDirectory _directory = new();

    public static TheoryData<string, string, string> MalformedInputs()
    {
        byte[] fmtPcm16Stereo = new WaveFileBuilder().Format(1, 2, 44100, 16).Build();
        byte[] validWav = WaveFileBuilder.Simple(1, 2, 44100, 16, WaveFileBuilder.Pcm16(1, 2, 3, 4));
        byte[] random = new byte[4096];
        new Random(1234).NextBytes(random);
        byte[] id3ThenGarbage = [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 20, .. new byte[20], .. random];
        byte[] syncThenGarbage = [0xFF, 0xFB, 0x90, 0x64, .. random];
        byte[] png = [0x89, .. "PNG\r\n\x1A\n"u8, 0, 0, 0, 13, .. "IHDR"u8, .. new byte[40]];
        byte[] oggGarbage = [.. "OggS"u8, .. random];
        byte[] flacGarbage = [.. "fLaC"u8, .. random];
        byte[] truncatedMp3Header = s_mp3[..300];

        return new TheoryData<string, string, string>
        {
            { "empty.wav", Hex([]), "empty (0 bytes)" },
            { "riff-only.wav", Hex("RIFF"u8.ToArray()), "truncated" },
            { "no-fmt.wav", Hex(new WaveFileBuilder().Build()), "truncated*fmt" },
            { "fmt-cut.wav", Hex(fmtPcm16Stereo[..30]), "truncated" },
            { "no-data.wav", Hex(fmtPcm16Stereo), "truncated*data" },
            { "header-only.wav", Hex(validWav[..44]), "ends before the first sample frame" },
            { "data-before-fmt.wav", Hex(new WaveFileBuilder().Data([1, 2]).Format(1, 1, 8000, 16).Build()), "before the fmt" },
            { "short-fmt.wav", Hex(new WaveFileBuilder().Chunk("fmt ", new byte[12]).Data([1, 2]).Build()), "fmt chunk is too short" },
            { "zero-channels.wav", Hex(WaveFileBuilder.Simple(1, 0, 44100, 16, new byte[8])), "0 channels" },
            { "zero-rate.wav", Hex(WaveFileBuilder.Simple(1, 2, 0, 16, new byte[8])), "sample rate of 0 Hz" },
            { "absurd-rate.wav", Hex(WaveFileBuilder.Simple(1, 2, int.MaxValue, 16, new byte[8])), "sample rate" },
            { "bad-block-align.wav", Hex(new WaveFileBuilder().Format(1, 2, 44100, 16, blockAlign: 3).Data(new byte[12]).Build()), "block align" },
            { "float-16bit.wav", Hex(WaveFileBuilder.Simple(3, 1, 44100, 16, new byte[8])), "float sample size of 16 bits" },
            { "pcm-zero-bits.wav", Hex(new WaveFileBuilder().Format(1, 1, 44100, 0, blockAlign: 0).Data(new byte[8]).Build()), "PCM sample size of 0 bits" },
            { "no-samples.wav", Hex(new WaveFileBuilder().Format(1, 1, 44100, 16).Data([]).Build()), "no audio samples" },
            { "rifx.wav", Hex(new WaveFileBuilder().Container("RIFX").Format(1, 1, 44100, 16).Build()), "RIFX" },
            { "webp.wav", Hex(new WaveFileBuilder().Container("RIFF", "WEBP").Chunk("VP8 ", new byte[10]).Build()), "'WEBP'" },
            { "random.wav", Hex(random), "not a recognised audio format" },
            { "image.wav", Hex(png), "PNG image" },
            { "notes.mp3", Hex(Encoding.UTF8.GetBytes("These are my notes, not music.\nSecond line.\n")), "text file" },
            { "id3-garbage.mp3", Hex(id3ThenGarbage), "no valid MPEG audio frames" },
            { "sync-garbage.mp3", Hex(syncThenGarbage), "not a recognised audio format" },
            { "id3-only.mp3", Hex(truncatedMp3Header[..45]), "ID3 tag but no audio" },
            { "ogg-garbage.ogg", Hex(oggGarbage), "Ogg" },
            { "ogg-tiny.ogg", Hex(s_ogg[..20]), "Ogg header is truncated" },
            { "flac-garbage.flac", Hex(flacGarbage), "ffmpeg could not decode it as FLAC" },
        };
    }

    public void Dispose() => _directory.Dispose();

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public async Task Decode_MalformedFile_ThrowsInvalidAudioNamingFileAndProblem(string fileName, string hexContent, string expectedProblem)
    {
        string path = _directory.File(fileName);
        await File.WriteAllBytesAsync(path, Convert.FromHexString(hexContent));

        Func<Task> decode = () => HangGuard.RunAsync(() => AudioDecoder.Decode(path), $"decoding {fileName}");

        (await decode.Should().ThrowExactlyAsync<InvalidAudioException>())
            .WithMessage($"Cannot decode '*{fileName}': *{expectedProblem}*");
    }

    [Fact]
    public void Decode_MissingFile_ThrowsNamingIt()
    {
        string path = _directory.File("missing.wav");

        Action decode = () => AudioDecoder.Decode(path);

        decode.Should().ThrowExactly<InvalidAudioException>().WithMessage("*missing.wav*does not exist*");
    }

    [Fact]
    public void Decode_Directory_ThrowsNamingIt()
    {
        Action decode = () => AudioDecoder.Decode(_directory.Path);

        decode.Should().ThrowExactly<InvalidAudioException>().WithMessage("*is a directory*");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task Decode_Mp3WithCorruptedFrames_DecodesOrThrowsInvalidAudio(int seed)
    {
        byte[] corrupted = (byte[])s_mp3.Clone();
        var random = new Random(seed);
        for (int i = 0; i < 400; i++)
        {
            corrupted[random.Next(2000, corrupted.Length)] = (byte)random.Next(256);
        }

        await AssertDecodesOrThrowsInvalidAudio(corrupted, $"corrupt-{seed}.mp3");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Decode_OggWithCorruptedPages_DecodesOrThrowsInvalidAudio(int seed)
    {
        byte[] corrupted = (byte[])s_ogg.Clone();
        var random = new Random(seed);
        for (int i = 0; i < 100; i++)
        {
            corrupted[random.Next(200, corrupted.Length)] = (byte)random.Next(256);
        }

        await AssertDecodesOrThrowsInvalidAudio(corrupted, $"corrupt-{seed}.ogg");
        await AssertDecodesOrThrowsInvalidAudio(s_ogg[..(s_ogg.Length / 2)], $"half-{seed}.ogg");
    }

    private static async Task AssertDecodesOrThrowsInvalidAudio(byte[] content, string name)
    {
        try
        {
            await HangGuard.RunAsync(() => AudioDecoder.Decode(new MemoryStream(content), name), $"decoding {name}");
        }
        catch (InvalidAudioException ex)
        {
            ex.Message.Should().StartWith($"Cannot decode '{name}': ");
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
