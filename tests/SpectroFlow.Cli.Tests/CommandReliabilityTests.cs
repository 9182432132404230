using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Single-file commands in real use: wrong inputs and outputs get one clear line and the right exit code.</summary>
public sealed class CommandReliabilityTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task PrintExif_AudioFile_SaysNotAnImageAndExits1()
    {
        CliResult result = await CliRunner.RunAsync("print-exif", Fixtures.RiffusionClipWav);

        result.ExitCode.Should().Be(1);
        result.Output.Should().BeEmpty();
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(Path.GetFileName(Fixtures.RiffusionClipWav)).And.Contain("not an image");
    }

    [Fact]
    public async Task PrintExif_PngWithoutExif_StillSaysSoAndExits0()
    {
        string png = _directory.File("plain.png");
        (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, png, "--preset", "chavinlo")).ExitCode.Should().Be(0);

        CliResult result = await CliRunner.RunAsync("print-exif", png);

        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("no spectrogram EXIF");
    }

    [Theory]
    [InlineData("rgb")]
    [InlineData("image-to-audio")]
    [InlineData("print-exif")]
    public async Task Help_DoesNotPromiseJpeg(string command)
    {
        CliResult result = await CliRunner.RunAsync(command, "--help");

        result.ExitCode.Should().Be(0);
        result.Output.Should().NotContainEquivalentOf("jpeg").And.NotContainEquivalentOf("jpg");
    }
}
