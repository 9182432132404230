using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary><c>concat</c> on real files: the seed's 512x4096 workflow, EXIF kept, natural order, bad input.</summary>
public sealed class ConcatCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Concat_EightClipsOf512_Make512x4096_InNaturalOrder_WithTheFirstImagesExif()
    {
        string folder = _directory.File("clips");
        Directory.CreateDirectory(folder);
        string house = Path.Combine(TestFiles.RepositoryRoot, "datasets", "spectrograms", "house_c_major_124bpm.png");
        string lofi = Path.Combine(TestFiles.RepositoryRoot, "datasets", "spectrograms", "lofi_d_dorian_80bpm.png");
        for (int i = 1; i <= 8; i++)
        {
            // clip_1 and clip_10 hold the house image, the rest lo-fi: natural order puts clip_10 last.
            File.Copy(i == 1 ? house : lofi, Path.Combine(folder, $"clip_{(i == 8 ? 10 : i)}.png"));
        }

        File.Copy(house, Path.Combine(folder, "clip_10.png"), overwrite: true);
        string output = _directory.File("wide.png");

        CliResult result = await CliRunner.RunAsync("concat", folder, output);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().Contain($"{output}: 4096x512");
        SpectrogramImage wide = SpectrogramPng.Read(output);
        SpectrogramImage houseImage = SpectrogramPng.Read(house);
        SpectrogramImage lofiImage = SpectrogramPng.Read(lofi);
        wide.Width.Should().Be(4096);
        wide.Height.Should().Be(512);
        wide.Parameters.Should().Be(houseImage.Parameters);
        wide.MaxValue.Should().Be(houseImage.MaxValue, "the first image's EXIF is kept");
        Column(wide, 0).Should().Equal(Column(houseImage, 0));
        Column(wide, 511).Should().Equal(Column(houseImage, 511));
        Column(wide, 512).Should().Equal(Column(lofiImage, 0));
        Column(wide, 4095 - 511).Should().Equal(Column(houseImage, 0), "clip_10 comes after clip_7");
    }

    [Fact]
    public async Task Concat_ImagesOfDifferentHeights_FailsWithOneLineNamingTheImage_AndWritesNothing()
    {
        string first = _directory.File("a.png");
        string second = _directory.File("b.png");
        (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, first, "--duration", "1")).ExitCode.Should().Be(0);
        (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, second, "--duration", "1", "--n-mels", "256")).ExitCode.Should().Be(0);
        string output = _directory.File("wide.png");

        CliResult result = await CliRunner.RunAsync("concat", first, second, output);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("b.png: is 256 px high but a.png is 512");
        File.Exists(output).Should().BeFalse();
        Directory.GetFiles(_directory.Path, "*.partial").Should().BeEmpty();
    }

    [Fact]
    public async Task Concat_MissingFileOrEmptyFolder_IsOneLineNamingIt()
    {
        string empty = _directory.File("empty");
        Directory.CreateDirectory(empty);

        CliResult missing = await CliRunner.RunAsync("concat", _directory.File("nope.png"), _directory.File("out.png"));
        CliResult none = await CliRunner.RunAsync("concat", empty, _directory.File("out.png"));

        missing.ExitCode.Should().Be(1);
        missing.ErrorLines.Should().ContainSingle().Which.Should().Contain("nope.png: file or folder not found");
        none.ExitCode.Should().Be(1);
        none.ErrorLines.Should().ContainSingle().Which.Should().Contain("the folder has no images (png, jpg, jpeg, bmp, webp) to concat");
    }

    private static byte[] Column(SpectrogramImage image, int column) =>
        [.. Enumerable.Range(0, image.Height).Select(row => image[row, column, 0])];
}
