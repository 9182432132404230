using System.Security.Cryptography;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>Same recipe + same inputs + same seed => byte-identical outputs, whatever the parallelism.</summary>
public sealed class RecipeDeterminismTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-determinism-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Run_SerialAndParallel_WriteIdenticalFiles()
    {
        string input = Path.Combine(_directory, "in");
        Directory.CreateDirectory(input);
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "a.wav"));
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "b.wav"));
        string recipe = Path.Combine(_directory, "r.yaml");
        await File.WriteAllTextAsync(recipe, """
            seed: 11
            params:
              p: 1
            inputs:
              - id: songs
                folder: in
                glob: ["*.wav"]
            steps:
              - id: decode
                use: decode
                parallelism: ${params.p}
              - id: clips
                use: slice
                clip_ms: 2000
                parallelism: ${params.p}
              - id: mel
                use: mel
                parallelism: ${params.p}
              - id: image
                use: encode-image
                parallelism: ${params.p}
              - id: png
                use: write-image
                folder: png
                parallelism: ${params.p}
              - id: back
                use: image-to-mel
                from: image
                parallelism: ${params.p}
              - id: invert
                use: invert
                iterations: 3
                parallelism: ${params.p}
              - id: wav
                use: write-audio
                folder: wav
                parallelism: ${params.p}
            outputs:
              root: out
            """);

        CliResult serial = await CliRunner.RunAsync("run", recipe, "--set", "p=1", "--output", Path.Combine(_directory, "serial"));
        CliResult parallel = await CliRunner.RunAsync("run", recipe, "--set", "p=4", "--output", Path.Combine(_directory, "parallel"));

        serial.ExitCode.Should().Be(0, serial.Error);
        parallel.ExitCode.Should().Be(0, parallel.Error);
        Dictionary<string, string> a = Hashes(Path.Combine(_directory, "serial"));
        Dictionary<string, string> b = Hashes(Path.Combine(_directory, "parallel"));
        a.Keys.Should().HaveCount(12, "2 files x 3 clips x (png + wav)");
        b.Should().Equal(a);
    }

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.GetFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".png", StringComparison.Ordinal) || path.EndsWith(".wav", StringComparison.Ordinal))
            .ToDictionary(path => Path.GetRelativePath(root, path), path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
}
