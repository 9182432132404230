using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests.Diffusion;

/// <summary>bench-diffusion on the tiny fixture UNet: the lines it prints, and one-line usage errors (no timing assertions).</summary>
public sealed class BenchDiffusionCommandTests
{
    private static readonly string s_model = TestFiles.Fixture("tiny-sd");

    [Fact]
    public async Task ModelFolder_PrintsBareAndPipelineMedians_OverheadBytesAndPeakMemory()
    {
        CliResult result = await CliRunner.RunAsync("bench-diffusion", "--unet", s_model, "--steps", "3", "--width", "64", "--height", "64", "--device", "cpu");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain(Path.Combine(s_model, "unet", "model.onnx")).And.Contain("batch 2 (guidance), latents 4x8x8 (64x64 px), pndm");
        string[] labels = ["bare session.Run:", "our step:", "overhead:", "allocated per step:", "latent size:", "peak working set:"];
        foreach (string label in labels)
        {
            result.Output.Should().Contain(label);
        }

        result.Output.Should().Contain("1024 B per image (UNet sample input 2048 B)");
    }

    [Theory]
    [InlineData("--width", "100", "--width: '100' must be a positive multiple of 8")]
    [InlineData("--steps", "0", "--steps: '0' must be at least 1")]
    public async Task BadOption_IsOneUsageLine(string option, string value, string message)
    {
        CliResult result = await CliRunner.RunAsync("bench-diffusion", "--unet", s_model, option, value);

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().Equal($"error: {message}");
    }

    [Fact]
    public async Task MissingUnet_IsOneErrorLineNamingIt()
    {
        CliResult result = await CliRunner.RunAsync("bench-diffusion", "--unet", "/nonexistent/unet.onnx", "--device", "cpu");

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("/nonexistent/unet.onnx");
    }
}
