using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary><c>blend</c> on the two bundled Riffusion images: frames, their order and bands, and bad input.</summary>
public sealed class BlendCommandTests : IDisposable
{
    private static readonly string s_house = Path.Combine(TestFiles.RepositoryRoot, "datasets", "spectrograms", "house_c_major_124bpm.png");
    private static readonly string s_lofi = Path.Combine(TestFiles.RepositoryRoot, "datasets", "spectrograms", "lofi_d_dorian_80bpm.png");
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Blend_ThreeFramesWithEnds_WritesFiveImages_HighsMovingToBBeforeLows()
    {
        string output = _directory.File("frames");

        CliResult result = await CliRunner.RunAsync("blend", s_house, s_lofi, output, "--frames", "3", "--include-ends");

        result.ExitCode.Should().Be(0, result.Error);
        Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .Should().Equal("frame_01.png", "frame_02.png", "frame_03.png", "frame_04.png", "frame_05.png");
        SpectrogramImage house = SpectrogramPng.Read(s_house);
        SpectrogramImage lofi = SpectrogramPng.Read(s_lofi);
        SpectrogramImage start = SpectrogramPng.Read(Path.Combine(output, "frame_01.png"));
        SpectrogramImage end = SpectrogramPng.Read(Path.Combine(output, "frame_05.png"));
        MeanDifference(start, house, 0, 512).Should().BeLessThan(0.6, "the first frame is A (re-quantised)");
        MeanDifference(end, lofi, 0, 512).Should().BeLessThan(0.6, "the last frame is B");

        // Frame 3 at t = 0.5: highs (top rows, above 2 kHz) are 93 % B, lows (bottom rows, below 300 Hz) 7 %.
        SpectrogramImage middle = SpectrogramPng.Read(Path.Combine(output, "frame_03.png"));
        MeanDifference(middle, lofi, 0, 200).Should().BeLessThan(MeanDifference(middle, house, 0, 200));
        MeanDifference(middle, house, 450, 512).Should().BeLessThan(MeanDifference(middle, lofi, 450, 512));
    }

    [Fact]
    public async Task Blend_DifferentParams_IsOneLineNamingTheImage_AndWritesNothing()
    {
        string stereo = Path.Combine(TestFiles.RepositoryRoot, "tests", "fixtures", "riffusion", "clip_2_start_103694_ms_duration_5678_ms_stereo.png");
        string output = _directory.File("frames");

        CliResult result = await CliRunner.RunAsync("blend", s_house, stereo, output);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("_stereo.png: its spectrogram parameters differ from").And.Contain("(Stereo True vs False)");
        Directory.Exists(output).Should().BeFalse();
    }

    [Theory]
    [InlineData("--frames", "0", "--frames: '0' is not a whole number from 1 to 10000")]
    [InlineData("--bands", "300-100", "--bands: '300-100' is not a band")]
    [InlineData("--curve", "cubic", "--curve: 'cubic' is not smooth or linear")]
    public async Task Blend_BadOption_IsAUsageError(string option, string value, string message)
    {
        CliResult result = await CliRunner.RunAsync("blend", s_house, s_lofi, _directory.File("frames"), option, value);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain(message);
    }

    [Fact]
    public async Task Blend_MissingImage_IsOneLineNamingIt()
    {
        CliResult result = await CliRunner.RunAsync("blend", s_house, _directory.File("nope.png"), _directory.File("frames"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("nope.png");
    }

    /// <summary>Mean absolute difference of the R channel over rows [from, to) (row 0 = highest frequency).</summary>
    private static double MeanDifference(SpectrogramImage x, SpectrogramImage y, int from, int to)
    {
        double sum = 0;
        for (int row = from; row < to; row++)
        {
            for (int column = 0; column < x.Width; column++)
            {
                sum += Math.Abs(x[row, column, 0] - y[row, column, 0]);
            }
        }

        return sum / ((to - from) * x.Width);
    }
}
