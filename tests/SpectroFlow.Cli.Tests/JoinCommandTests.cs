using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// <c>join</c> on real files: PNGs made by <c>audio-to-image</c> (1 s = 101 columns each), a JPEG made from one by
/// ffmpeg, in a folder whose natural order differs from the ordinal one.
/// </summary>
public sealed class JoinCommandTests : IDisposable
{
    private const int SamplesPerPart = 441 * 100;
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData(0, 3 * SamplesPerPart)]
    [InlineData(100, (3 * SamplesPerPart) - (2 * 4410))]
    public async Task Join_FolderOfPngAndJpeg_JoinsInNaturalOrder_WithTheExactLength(int crossfadeMs, int samples)
    {
        string folder = await PartsFolderAsync();
        string output = _directory.File("track.wav");

        CliResult result = await CliRunner.RunAsync("join", folder, output, "--crossfade-ms", crossfadeMs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--iterations", "4");

        result.ExitCode.Should().Be(0, result.Error);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().Be("joining 3 images in this order:");
        lines[1].Should().EndWith("clip_2.jpg (101 px)");
        lines[2].Should().EndWith("clip_3.png (101 px)");
        lines[3].Should().EndWith("clip_10.png (101 px)");
        AudioClip audio = AudioDecoder.Decode(output);
        audio.Frames.Should().Be(samples);
        audio.SampleRate.Should().Be(44100);
        _directory.FileNames().Should().Equal("track.wav");
    }

    [Fact]
    public async Task Join_FilesGivenInShellOrder_AreJoinedInNaturalOrder_AndAFolderAndFilesMix()
    {
        string folder = await PartsFolderAsync();
        string output = _directory.File("track.mp3");

        CliResult result = await CliRunner.RunAsync(
            "join", Path.Combine(folder, "clip_10.png"), Path.Combine(folder, "clip_2.jpg"), Path.Combine(folder, "clip_3.png"), output, "--iterations", "2");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.IndexOf("clip_2.jpg", StringComparison.Ordinal).Should().BeLessThan(result.Output.IndexOf("clip_10.png", StringComparison.Ordinal));
        AudioDecoder.Decode(output).Frames.Should().Be(3 * SamplesPerPart, "the MP3's encoder delay and padding are removed on decoding");
    }

    [Fact]
    public async Task Join_OneImage_IsItsPlainInversion_WithAWarning()
    {
        string folder = await PartsFolderAsync();
        string joined = _directory.File("joined.wav");
        string inverted = _directory.File("inverted.wav");

        CliResult result = await CliRunner.RunAsync("join", Path.Combine(folder, "clip_3.png"), joined, "--seed", "5");
        (await CliRunner.RunAsync("image-to-audio", Path.Combine(folder, "clip_3.png"), inverted, "--seed", "5")).ExitCode.Should().Be(0);

        result.ExitCode.Should().Be(0, result.Error);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("one image only");
        File.ReadAllBytes(joined).Should().Equal(File.ReadAllBytes(inverted));
    }

    [Fact]
    public async Task Join_UnreadableJpeg_FailsNamingIt_AndWritesNothing()
    {
        string folder = await PartsFolderAsync();
        byte[] jpeg = File.ReadAllBytes(Path.Combine(folder, "clip_2.jpg"));
        string broken = Path.Combine(folder, "clip_4.jpg");
        File.WriteAllBytes(broken, jpeg[..(jpeg.Length / 2)]);
        string output = _directory.File("track.wav");

        CliResult result = await CliRunner.RunAsync("join", folder, output);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().Equal($"error: {broken}: the JPEG image is corrupt or truncated and cannot be decoded (IncompleteInput)");
        File.Exists(output).Should().BeFalse();
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task Join_EmptyFolder_IsOneLine()
    {
        string empty = _directory.File("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");

        CliResult result = await CliRunner.RunAsync("join", empty, _directory.File("track.wav"));

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().Equal($"error: {empty}: the folder has no images (png, jpg, jpeg, bmp, webp) to join");
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task Join_PartWithOtherParameters_FailsNamingIt_AndWritesNothing()
    {
        string folder = await PartsFolderAsync();
        (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, Path.Combine(folder, "clip_5.png"), "--duration", "1", "--max-hz", "8000")).ExitCode.Should().Be(0);
        string output = _directory.File("track.wav");

        CliResult result = await CliRunner.RunAsync("join", folder, output, "--iterations", "1");

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(
            "clip_5.png: its spectrogram parameters differ from clip_2.jpg's (MaxFrequency 8000 vs 10000); every part of a join must have the same");
        File.Exists(output).Should().BeFalse();
    }

    [Theory]
    [InlineData("track.ogg", "the output must be a .mp3 or .wav file")]
    [InlineData("track.wav", "give the images or folders to join, then OUT.mp3 or OUT.wav")]
    public async Task Join_BadOutputOrTooFewArguments_IsAUsageError(string output, string problem)
    {
        string[] args = output == "track.wav" ? ["join", _directory.File(output)] : ["join", Fixtures.RiffusionMonoPng, _directory.File(output)];

        CliResult result = await CliRunner.RunAsync(args);

        result.ExitCode.Should().Be(2);
        result.Error.Should().Contain(problem);
    }

    [Fact]
    public async Task Recipe_JoinBlock_PartFailingUpstream_IsAnErrorAndTheOthersAreJoined()
    {
        string folder = await PartsFolderAsync();
        byte[] jpeg = File.ReadAllBytes(Path.Combine(folder, "clip_2.jpg"));
        File.WriteAllBytes(Path.Combine(folder, "clip_4.jpg"), jpeg[..(jpeg.Length / 2)]);
        string recipe = _directory.File("join.yaml");
        await File.WriteAllTextAsync(recipe, """
            inputs:
              - id: images
                folder: parts
                glob: ["*.{png,jpg}"]
            steps:
              - id: decode
                use: decode-image
              - id: mel
                use: image-to-mel
              - id: track
                use: join
                group: all
                iterations: 2
              - id: write
                use: write-audio
                format: wav
                name: track
            outputs:
              root: out
            """);

        CliResult result = await CliRunner.RunAsync("run", recipe);

        result.ExitCode.Should().Be(1);
        (result.Output + result.Error).Should().Contain("clip_4.jpg: the JPEG image is corrupt or truncated");
        result.Error.Should().Contain("track: joining 3 parts in this order: clip_2.jpg, clip_3.png, clip_10.png");
        AudioDecoder.Decode(_directory.File(Path.Combine("out", "track.wav"))).Frames.Should().Be(3 * SamplesPerPart, "the three readable parts are joined");
    }

    /// <summary>parts/clip_2.jpg (JPEG by ffmpeg, no EXIF), clip_3.png, clip_10.png: 1 s each of the Riffusion clip, and a text file.</summary>
    private async Task<string> PartsFolderAsync()
    {
        string folder = _directory.File("parts");
        Directory.CreateDirectory(folder);
        string[] names = ["clip_2", "clip_3", "clip_10"];
        for (int i = 0; i < names.Length; i++)
        {
            string png = Path.Combine(folder, names[i] + ".png");
            string start = (i * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture);
            (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, png, "--start", start, "--duration", "1")).ExitCode.Should().Be(0);
        }

        string jpeg = Path.Combine(folder, "clip_2.jpg");
        FfmpegTool.Run("-i", Path.Combine(folder, "clip_2.png"), "-q:v", "2", jpeg);
        File.Delete(Path.Combine(folder, "clip_2.png"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image");
        return folder;
    }
}
