using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>End-to-end checks against Riffusion's own test clip, images and a torchaudio reconstruction.</summary>
public sealed class RiffusionCompatibilityTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task AudioToImage_StereoClip_MatchesRiffusionsPngWithinOneLevel()
    {
        string output = Path.Combine(_directory, "stereo.png");

        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, output, "--stereo");

        result.ExitCode.Should().Be(0, result.Error);
        SpectrogramImage ours = SpectrogramPng.Read(output);
        SpectrogramImage theirs = SpectrogramPng.Read(Fixtures.RiffusionStereoPng);
        ours.Width.Should().Be(568);
        ours.Height.Should().Be(512);
        int exact = 0;
        for (int i = 0; i < ours.Rgb.Length; i++)
        {
            Math.Abs(ours.Rgb[i] - theirs.Rgb[i]).Should().BeLessThanOrEqualTo(1, $"byte {i} differs by more than one level");
            exact += ours.Rgb[i] == theirs.Rgb[i] ? 1 : 0;
        }

        ((double)exact / ours.Rgb.Length).Should().BeGreaterThanOrEqualTo(0.999);
        ours.Parameters.Should().Be(theirs.Parameters);
        ours.MaxValue.Should().BeApproximately(theirs.MaxValue!.Value, theirs.MaxValue.Value * 1e-6);
    }

    [Fact]
    public void Metric_PeerReconstruction_ReproducesMetricsPyFigures()
    {
        AudioClip original = AudioDecoder.Decode(Fixtures.RiffusionClipWav);
        AudioClip peer = AudioDecoder.Decode(Fixtures.File("riffusion-peer", "clip_2_mono_png.peer_seed0.wav"));

        AudioComparison comparison = AudioQualityMetrics.Compare(original, peer);

        // metrics.py recon on the same files: 0.64511 / 0.46359 / 26.092 dB.
        comparison.SpectralConvergence.Should().BeApproximately(0.64511, 0.001);
        comparison.SpectralConvergenceGainMatched.Should().BeApproximately(0.46359, 0.001);
        comparison.LogSpectralDistanceDb.Should().BeApproximately(26.092, 0.01);
    }

    [Fact]
    public async Task ImageToAudio_RiffusionMonoPng_IsAtLeastAsCloseToTheClipAsTheTorchaudioPeer()
    {
        AudioClip original = AudioDecoder.Decode(Fixtures.RiffusionClipWav);
        double sum = 0, sumGainMatched = 0;
        const int Seeds = 3;
        for (int seed = 0; seed < Seeds; seed++)
        {
            string output = Path.Combine(_directory, $"recon_{seed}.wav");
            CliResult result = await CliRunner.RunAsync("image-to-audio", Fixtures.RiffusionMonoPng, output, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            result.ExitCode.Should().Be(0, result.Error);
            AudioClip reconstruction = AudioDecoder.Decode(output);
            reconstruction.Frames.Should().Be(250047, "441 * (568 - 1) samples = 5.670 s");
            reconstruction.ChannelCount.Should().Be(1);

            AudioComparison comparison = AudioQualityMetrics.Compare(original, reconstruction);
            sum += comparison.SpectralConvergence;
            sumGainMatched += comparison.SpectralConvergenceGainMatched;
        }

        // The peer's means over seeds 0-2 (tests/fixtures/riffusion-peer/README.md).
        (sum / Seeds).Should().BeLessThanOrEqualTo(0.59914);
        (sumGainMatched / Seeds).Should().BeLessThanOrEqualTo(0.31107);
    }

    [Fact]
    public async Task PrintExif_RiffusionPng_PrintsRiffusionsLayout()
    {
        CliResult result = await CliRunner.RunAsync("print-exif", Fixtures.RiffusionMonoPng);

        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain("NUM_FREQUENCIES      =             512");
        result.Output.Should().Contain("SAMPLE_RATE          =           44100");
    }

    [Fact]
    public async Task AudioToImage_ClipMs_WritesNumberedImagesOf512Columns()
    {
        string folder = Path.Combine(_directory, "clips");

        CliResult result = await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, folder, "--clip-ms", "2000");

        result.ExitCode.Should().Be(0, result.Error);
        string[] files = [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        files.Should().Equal(
            "clip_2_start_103694_ms_duration_5678_ms_00000.png",
            "clip_2_start_103694_ms_duration_5678_ms_00001.png",
            "clip_2_start_103694_ms_duration_5678_ms_00002.png");
        SpectrogramPng.Read(Path.Combine(folder, files[2])).Width.Should().Be(201, "the padded last clip is a full 2000 ms");

        string dropped = Path.Combine(_directory, "dropped");
        (await CliRunner.RunAsync("audio-to-image", Fixtures.RiffusionClipWav, dropped, "--clip-ms", "2000", "--last", "drop")).ExitCode.Should().Be(0);
        Directory.GetFiles(dropped).Should().HaveCount(2);
    }

    [Fact]
    public async Task ImageToAudio_Mp3Output_WritesDecodableMp3()
    {
        string output = Path.Combine(_directory, "out.mp3");

        CliResult result = await CliRunner.RunAsync("image-to-audio", Fixtures.RiffusionStereoPng, output, "--iterations", "4", "--bitrate", "128");

        result.ExitCode.Should().Be(0, result.Error);
        AudioClip mp3 = AudioDecoder.Decode(output);
        mp3.ChannelCount.Should().Be(2);
        mp3.DurationSeconds.Should().BeApproximately(5.670, 0.06);
    }
}
