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

    [Theory]
    [InlineData("audio-to-image|a.wav|b.png|--clip-ms|abc", "error: --clip-ms: 'abc' is not a whole number")]
    [InlineData("image-to-audio|a.png|b.wav|--seed|-1", "error: --seed: '-1' is not a whole number from 0 to 18446744073709551615")]
    [InlineData("image-to-audio|a.png|b.wav|--bitrate|1.5", "error: --bitrate: '1.5' is not a whole number")]
    [InlineData("audio-to-image|a.wav|b.png|--power|x", "error: --power: 'x' is not a number")]
    [InlineData("run|r.yaml|--shard-count|two", "error: --shard-count: 'two' is not a whole number")]
    [InlineData("image-to-audio|a.png|b.wav|--levelling|loud", "error: --levelling: 'loud' is not one of peak, raw, riffusion")]
    [InlineData("join|dir|b.wav|--quality|bogus", "error: --quality: 'bogus' is not one of default, draft, high")]
    public async Task BadOptionValue_OneLineNamingTheOptionAndWhatItAccepts_NoTypeNames(string args, string expected)
    {
        CliResult result = await CliRunner.RunAsync(args.Split('|'));

        result.ExitCode.Should().Be(2);
        result.ErrorLines[0].Should().Be(expected);
        result.Error.Should().NotContain("System.").And.NotContain("Int32").And.NotContain("UInt64");
    }

    [Theory]
    [InlineData("out.jpg")]
    [InlineData("out")]
    [InlineData("out.PNG.txt")]
    public async Task AudioToImage_OutputNotPng_IsAUsageErrorAndWritesNothing(string name)
    {
        string output = _directory.File(name);

        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, output);

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(name).And.Contain(".png");
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task AudioToImage_OutputIsAFolder_OneClearLine()
    {
        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, _directory.Path);

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Be($"error: '{_directory.Path}' is a folder: give a file name ending in .png, or --clip-ms to write clips into a folder");
    }

    [Theory]
    [InlineData("audio-to-image", "nope/x.png")]
    [InlineData("audio-to-image", "nope/clips", "--clip-ms", "5119")]
    [InlineData("image-to-audio", "nope/x.wav")]
    [InlineData("rgb", "nope/x.png")]
    public async Task Output_InAMissingFolder_IsRefusedAndNothingIsCreated(string command, string output, params string[] options)
    {
        string input = command == "audio-to-image" ? Fixtures.RiffusionClipWav : Fixtures.RiffusionMonoPng;

        CliResult result = await CliRunner.RunAsync([command, input, _directory.File(output), .. options]);

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Be($"error: '{_directory.File(output)}': folder '{_directory.File("nope")}' does not exist");
        Directory.Exists(_directory.File("nope")).Should().BeFalse();
    }

    [Theory]
    [InlineData("out.xyz")]
    [InlineData("out.mp3", "--bitrate", "100")]
    public async Task ImageToAudio_UnsupportedFormatOrBitrate_IsAUsageError(string name, params string[] options)
    {
        CliResult result = await CliRunner.RunAsync(["image-to-audio", Fixtures.RiffusionMonoPng, _directory.File(name), .. options]);

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(name);
    }

    [Fact]
    public async Task AudioToImage_LastWithoutClipMs_IsAUsageError()
    {
        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, _directory.File("x.png"), "--last", "drop");

        result.ExitCode.Should().Be(2);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain("--last").And.Contain("--clip-ms");
        _directory.FileNames().Should().BeEmpty();
    }

    [Fact]
    public async Task AudioToImage_OneClip_SaysOneImage()
    {
        string clips = _directory.File("clips");

        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, clips, "--clip-ms", "10000");

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Trim().Should().Be($"{clips}: 1 image");
    }

    [Theory]
    [InlineData("{source_dir}_{stem}_{nope}", "'{nope}', which its items never have")]
    [InlineData("{stem}_{sample_rte}", "'{sample_rte}', which its items never have (did you mean 'sample_rate'?)")]
    [InlineData("{stem}_{sample_rate}_{clip_index:000}_{start_ms:0}_{tags}_{input}", null)]
    public async Task Validate_NameTemplate_IsCheckedAgainstWhatTheBlocksGive(string name, string? problem)
    {
        Directory.CreateDirectory(_directory.File("in"));
        string recipe = _directory.File("r.yaml");
        await File.WriteAllTextAsync(recipe, $"inputs:\n  - id: songs\n    folder: in\nsteps:\n  - id: clips\n    use: decode-slices\n  - id: mel\n    use: mel\n  - id: image\n    use: encode-image\n  - id: png\n    use: write-image\n    name: \"{name}\"\n");

        CliResult result = await CliRunner.RunAsync("validate", recipe);

        if (problem is null)
        {
            result.ExitCode.Should().Be(0, result.Output);
        }
        else
        {
            result.ExitCode.Should().Be(2);
            result.Output.Trim().Should().StartWith($"{recipe}:13:11: option 'name' of step 'png' uses {problem}");
        }
    }

    [Fact]
    public async Task AudioToImage_StartAndDuration_ConvertsThatSegment()
    {
        CliResult image = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, _directory.File("x.png"), "--start", "1", "--duration", "2");
        CliResult clips = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, _directory.File("clips"), "--start", "1.5", "--duration", "2", "--clip-ms", "1000");

        image.ExitCode.Should().Be(0, image.Error);
        image.Output.Trim().Should().Be($"{_directory.File("x.png")}: 201x512", "2 s at 10 ms per column");
        clips.ExitCode.Should().Be(0, clips.Error);
        clips.Output.Trim().Should().EndWith(": 2 images");
    }

    [Theory]
    [InlineData(1, "--start", "100")]
    [InlineData(2, "--start", "-1")]
    [InlineData(2, "--duration", "0")]
    public async Task AudioToImage_BadSegment_OneLine(int exitCode, params string[] options)
    {
        CliResult result = await CliRunner.RunAsync(["audio-to-image", Fixtures.RiffusionClipWav, _directory.File("x.png"), .. options]);

        result.ExitCode.Should().Be(exitCode);
        result.ErrorLines.Should().ContainSingle().Which.Should().Contain(options[0].TrimStart('-'), "the decode step's start option names it too");
        File.Exists(_directory.File("x.png")).Should().BeFalse();
    }

    [Fact]
    public async Task AudioToImage_Folder_ConvertsEveryFile_ReportsTheBadOneInOneLine_SameBytesAsOneFile()
    {
        string input = _directory.File("music");
        Directory.CreateDirectory(Path.Combine(input, "sub"));
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "song.wav"));
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "sub", "song.wav"));
        File.WriteAllText(Path.Combine(input, "broken.mp3"), "not audio");
        File.WriteAllText(Path.Combine(input, "notes.txt"), "not taken");
        string output = _directory.File("images");

        CliResult folder = await CliRunner.RunAsync("audio-to-image", input, output);
        CliResult single = await CliRunner.RunAsync("audio-to-image", Path.Combine(input, "song.wav"), _directory.File("single.png"));

        folder.ExitCode.Should().Be(1);
        folder.ErrorLines.Should().ContainSingle().Which.Should().StartWith($"error: {Path.Combine(input, "broken.mp3")}: ");
        folder.Output.Trim().Should().Be($"{output}: 2 files written from 3 input files, 1 error");
        Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).Should().Equal("song.wav.png", "sub_song.wav.png");
        single.ExitCode.Should().Be(0, single.Error);
        File.ReadAllBytes(Path.Combine(output, "song.wav.png")).Should().Equal(File.ReadAllBytes(_directory.File("single.png")));
    }

    [Fact]
    public async Task AudioToImage_FolderWithClipMs_NamesClipsByFile()
    {
        string input = _directory.File("music");
        Directory.CreateDirectory(input);
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "song.wav"));

        CliResult result = await CliRunner.RunAsync("audio-to-image", input, _directory.File("clips"), "--clip-ms", "5119", "--last", "drop");

        result.ExitCode.Should().Be(0, result.Error);
        Directory.GetFiles(_directory.File("clips")).Select(Path.GetFileName).Should().Equal("song.wav_00000.png");
    }

    [Fact]
    public async Task ImageToAudio_Folder_ConvertsEveryPng_AndGoesOnPastABadOne()
    {
        string input = _directory.File("pngs");
        Directory.CreateDirectory(input);
        File.Copy(Fixtures.RiffusionMonoPng, Path.Combine(input, "mono.png"));
        File.WriteAllText(Path.Combine(input, "broken.png"), "not a png");
        string output = _directory.File("wavs");

        CliResult result = await CliRunner.RunAsync("image-to-audio", input, output, "--iterations", "2");

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().ContainSingle().Which.Should().StartWith($"error: {Path.Combine(input, "broken.png")}: ");
        Directory.GetFiles(output).Select(Path.GetFileName).Should().Equal("mono.wav");
    }
}
