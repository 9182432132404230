using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Every bad input gets exit code 1 (2 for usage), one "error:" line naming the file, and no output file.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-bad-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, byte[]> BadAudio => new()
    {
        { "empty.wav", [] },
        { "truncated.wav", File.ReadAllBytes(Fixtures.RiffusionClipWav)[..30] },
        { "random.mp3", RandomBytes(5000, 1) },
        { "image.wav", File.ReadAllBytes(Fixtures.RiffusionMonoPng) },
        { "short.wav", ShortWav() },
    };

    public static TheoryData<string, byte[]> BadImages => new()
    {
        { "empty.png", [] },
        { "truncated.png", File.ReadAllBytes(Fixtures.RiffusionMonoPng)[..2000] },
        { "random.png", RandomBytes(5000, 2) },
        { "audio.png", File.ReadAllBytes(Fixtures.RiffusionClipWav)[..4096] },
        { "seed_not_512_high.png", File.ReadAllBytes(Fixtures.File("riffusion", "seed_images", "mask_gradient_top_70.png"))[..100] },
    };

    [Theory]
    [MemberData(nameof(BadAudio))]
    public async Task AudioToImage_BadAudio_FailsWithOneLineAndNoOutput(string name, byte[] content)
    {
        string input = Path.Combine(_directory, name);
        File.WriteAllBytes(input, content);
        string output = Path.Combine(_directory, "out.png");

        CliResult result = await CliRunner.RunAsync("audio-to-image", input, output);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(name);
        Directory.GetFiles(_directory).Should().BeEquivalentTo([input]);
    }

    [Theory]
    [MemberData(nameof(BadImages))]
    public async Task ImageToAudio_BadImage_FailsWithOneLineAndNoOutput(string name, byte[] content)
    {
        string input = Path.Combine(_directory, name);
        File.WriteAllBytes(input, content);
        string output = Path.Combine(_directory, "out.wav");

        CliResult result = await CliRunner.RunAsync("image-to-audio", input, output);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(name);
        Directory.GetFiles(_directory).Should().BeEquivalentTo([input]);
    }

    [Fact]
    public async Task ImageToAudio_UnsupportedOutputExtension_FailsBeforeConverting()
    {
        CliResult result = await CliRunner.RunAsync("image-to-audio", Fixtures.RiffusionMonoPng, Path.Combine(_directory, "out.aiff"));

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("out.aiff").And.Contain(".wav");
    }

    [Theory]
    [InlineData("audio-to-image")]
    [InlineData("audio-to-image", "a.wav")]
    [InlineData("image-to-audio", "a.png", "b.wav", "--iterations", "many")]
    [InlineData("audio-to-image", "a.wav", "b.png", "--preset", "nonsense")]
    [InlineData("no-such-command")]
    public async Task Parse_Errors_ExitTwo(params string[] args)
    {
        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith("error: ");
    }

    [Fact]
    public async Task AudioToImage_InvalidParameterCombination_ExitsTwoListingTheProblem()
    {
        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, Path.Combine(_directory, "x.png"), "--min-hz", "5000", "--max-hz", "4000");

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("frequency range 5000..4000");
    }

    [Theory]
    [InlineData("audio-to-image")]
    [InlineData("image-to-audio")]
    [InlineData("print-exif")]
    [InlineData("rgb")]
    [InlineData("bench")]
    public async Task Help_EveryCommand_PrintsUsageAndExitsZero(string command)
    {
        CliResult result = await CliRunner.RunAsync(command, "--help");

        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("Usage:").And.Contain(command);
    }

    [Fact]
    public async Task MissingInput_NamesTheFile()
    {
        CliResult result = await CliRunner.RunAsync("audio-to-image", Path.Combine(_directory, "nope.wav"), Path.Combine(_directory, "x.png"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("nope.wav");
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ShortWav()
    {
        // A valid 16-bit mono WAV of 0.1 s: shorter than the STFT's reflect padding (8820 samples).
        const int Samples = 4410;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + Samples * 2);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(44100);
        writer.Write(88200);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(Samples * 2);
        for (int i = 0; i < Samples; i++)
        {
            writer.Write((short)(1000 * Math.Sin(i * 0.1)));
        }

        writer.Flush();
        return stream.ToArray();
    }
}
