using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// The single-file commands run a one-file plan through the engine: their files equal, byte for byte, a hand-written
/// recipe's and the conversion the commands wired by hand before (decoder, converter, PNG and audio writers).
/// </summary>
public sealed class SingleFileEngineTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AudioToImage_OneFile_SameBytesAsTheRecipeAndTheHandWiredConversion()
    {
        string input = _directory.File(Path.Combine("in", "tone.ogg"));
        Directory.CreateDirectory(Path.GetDirectoryName(input)!);
        File.Copy(TestFiles.Fixture("audio/tone_1000l_2500r_48k_stereo_1000ms.ogg"), input);
        string recipe = _directory.File("r.yaml");
        await File.WriteAllTextAsync(recipe, """
            inputs:
              - id: song
                use: file
                path: in/tone.ogg
            steps:
              - id: decode
                use: decode
                start: 0.25
                duration: 0.5
              - id: mel
                use: mel
                stereo: true
                native_rate: true
              - id: image
                use: encode-image
              - id: png
                use: write-image
                name: "{stem}"
            outputs:
              root: out
            """);
        string output = _directory.File(Path.Combine("cli", "tone.png"));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        CliResult run = await CliRunner.RunAsync("run", recipe);
        CliResult cli = await CliRunner.RunAsync("audio-to-image", input, output, "--start", "0.25", "--duration", "0.5", "--stereo", "--native-rate");

        run.ExitCode.Should().Be(0, run.Output + run.Error);
        cli.ExitCode.Should().Be(0, cli.Error);
        cli.Output.Trim().Should().Be($"{output}: 51x512");
        byte[] bytes = File.ReadAllBytes(output);
        bytes.Should().Equal(File.ReadAllBytes(_directory.File(Path.Combine("out", "tone.png"))));

        using var reader = new SegmentReader(AudioDecoder.Open(input), 0.25, 0.5);
        AudioClip audio = reader.ReadAll();
        var converter = new SpectrogramConverter(SpectrogramParams.Riffusion with { Stereo = true, SampleRate = audio.SampleRate });
        string handWired = _directory.File("hand.png");
        SpectrogramPng.Write(handWired, SpectrogramImageMapper.ToImage(converter.ToMel(converter.Conform(audio))));
        bytes.Should().Equal(File.ReadAllBytes(handWired));
    }

    [Theory]
    [InlineData("riffusion", Levelling.Peak)]
    [InlineData("riffusion", Levelling.Riffusion)]
    [InlineData("riffusion", Levelling.Raw)]
    [InlineData("chavinlo", Levelling.Peak)]
    public async Task ImageToAudio_OneFile_SameBytesAsTheRecipeAndTheHandWiredConversion(string preset, Levelling levelling)
    {
        string image = _directory.File(Path.Combine("in", "clip.png"));
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        if (preset == "chavinlo")
        {
            (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, image, "--preset", "chavinlo", "--duration", "1")).ExitCode.Should().Be(0);
        }
        else
        {
            File.Copy(Fixtures.RiffusionMonoPng, image);
        }

        string recipe = _directory.File("r.yaml");
        await File.WriteAllTextAsync(recipe, $"""
            inputs:
              - id: image
                use: file
                path: in/clip.png
            steps:
              - id: decode
                use: decode-image
                preset: {preset}
                max_hz: 9000
              - id: mel
                use: image-to-mel
              - id: invert
                use: invert
                seed: 18446744073709551615
                iterations: 3
                levelling: {OutputLevelling.Name(levelling)}
              - id: wav
                use: write-audio
                name: "{"{"}stem{"}"}"
            outputs:
              root: out
            """);
        string output = _directory.File(Path.Combine("cli", "clip.wav"));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        CliResult run = await CliRunner.RunAsync("run", recipe);
        CliResult cli = await CliRunner.RunAsync(["image-to-audio", image, output, "--preset", preset, "--max-hz", "9000", "--seed", ulong.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), "--iterations", "3", .. levelling switch { Levelling.Raw => new[] { "--raw" }, Levelling.Riffusion => ["--levelling", "riffusion"], _ => [] }]);

        run.ExitCode.Should().Be(0, run.Output + run.Error);
        cli.ExitCode.Should().Be(0, cli.Error);
        byte[] bytes = File.ReadAllBytes(output);
        bytes.Should().Equal(File.ReadAllBytes(_directory.File(Path.Combine("out", "clip.wav"))));

        SpectrogramParams fallback = (preset == "chavinlo" ? SpectrogramParams.Chavinlo : SpectrogramParams.Riffusion) with { MaxFrequency = 9000 };
        SpectrogramImage read = SpectrogramPng.Read(image, fallback);
        read = read.WithParameters(read.Parameters with { MaxFrequency = 9000 });
        AudioClip audio = new SpectrogramConverter(read.Parameters).ToAudio(SpectrogramImageMapper.ToMel(read), new InversionOptions { Iterations = 3, Seed = ulong.MaxValue });
        audio = OutputLevelling.Apply(audio, OutputLevelling.For(levelling, read.Parameters.Scale));
        string handWired = _directory.File("hand.wav");
        AudioEncoder.Write(handWired, audio);
        bytes.Should().Equal(File.ReadAllBytes(handWired));
    }

    [Theory]
    [InlineData("audio-to-image", "a {stem} b.PNG")]
    [InlineData("image-to-audio", "a {stem} b.WAV")]
    public async Task OneFile_WritesExactlyTheNamedOutput(string command, string name)
    {
        string folder = _directory.File("out");
        Directory.CreateDirectory(folder);
        string input = command == "audio-to-image" ? Fixtures.RiffusionClipWav : Fixtures.RiffusionMonoPng;

        CliResult result = await CliRunner.RunAsync([command, input, Path.Combine(folder, name), .. command == "image-to-audio" ? new[] { "--iterations", "1" } : []]);

        result.ExitCode.Should().Be(0, result.Error);
        result.Output.Should().StartWith($"{Path.Combine(folder, name)}: ");
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().Equal(name);
    }

    [Fact]
    public async Task AudioToImage_TruncatedWav_WarnsNamingTheFile()
    {
        var tone = new float[16000];
        for (int i = 0; i < tone.Length; i++)
        {
            tone[i] = 0.3f * MathF.Sin(2 * MathF.PI * 440 * i / 8000);
        }

        byte[] wav = AudioEncoder.EncodeWav(new AudioClip(8000, [tone]));
        string input = _directory.File("cut.wav");
        await File.WriteAllBytesAsync(input, wav[..(44 + 8000)]);

        CliResult result = await CliRunner.RunAsync("audio-to-image", input, _directory.File("cut.png"));

        result.ExitCode.Should().Be(0, result.Error);
        result.Error.Should().Contain($"{input}: the file is cut short").And.NotContain("step");
    }

    [Theory]
    [InlineData("18446744073709551615", null)]
    [InlineData("-1", "option 'seed' of step 'invert' must be a whole number from 0 to 18446744073709551615")]
    [InlineData("1.5", "option 'seed' of step 'invert' must be a whole number from 0 to 18446744073709551615")]
    public async Task Validate_InvertSeed_TakesAny64BitValue(string seed, string? problem)
    {
        string recipe = _directory.File("r.yaml");
        await File.WriteAllTextAsync(recipe, $"inputs:\n  - id: images\n    folder: .\nsteps:\n  - id: image\n    use: decode-image\n  - id: mel\n    use: image-to-mel\n  - id: invert\n    use: invert\n    seed: {seed}\n");

        CliResult result = await CliRunner.RunAsync("validate", recipe);

        if (problem is null)
        {
            result.ExitCode.Should().Be(0, result.Output + result.Error);
        }
        else
        {
            result.ExitCode.Should().Be(2);
            (result.Output + result.Error).Should().Contain(problem);
        }
    }
}
