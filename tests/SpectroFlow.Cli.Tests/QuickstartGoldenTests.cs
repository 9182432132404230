using SpectroFlow.Engine.Running;
using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>
/// The quickstart recipe keeps its keys, seeds and images: golden values written by the engine before joins and
/// explicit ancestry (commit dccc5c7), so engine changes cannot silently change what existing recipes produce. The
/// images of the MP3 sample are the exception, on purpose: MP3 decoding now removes the encoder delay and padding
/// (LAME tag, issue 7), so its clips no longer begin with the encoder's silent lead-in.
/// </summary>
public sealed class QuickstartGoldenTests : IDisposable
{
    private readonly TemporaryDirectory _output = new();

    public void Dispose() => _output.Dispose();

    [Fact]
    public async Task Quickstart_KeysSeedsAndImages_EqualTheGoldenRun()
    {
        string recipe = Path.GetFullPath(Path.Combine(Fixtures.Root, "..", "..", "recipes", "quickstart.yaml"));

        // Fewer Griffin-Lim iterations only change the MP3s (not checked here), not the images, keys or seeds.
        CliResult result = await CliRunner.RunAsync("run", recipe, "--output", _output.Path, "--set", "iterations=1");

        result.ExitCode.Should().Be(0, result.Error);
        (_, IReadOnlyList<ManifestEntry> entries) = RunManifest.Read(Path.Combine(_output.Path, "manifest.jsonl"));
        entries.Select(e => (e.Key, e.Seed)).Should().BeEquivalentTo(new[]
        {
            ("groove_a_minor_96bpm.wav", 8726041372633602630UL),
            ("house_c_major_124bpm.mp3", 9333491556661014450UL),
            ("lofi_d_dorian_80bpm.ogg", 6200437496267849289UL),
        });
        entries.SelectMany(e => e.Outputs).Where(o => o.Path.EndsWith(".png", StringComparison.Ordinal)).Select(o => (o.Path, o.Sha256)).Should().BeEquivalentTo(new[]
        {
            ("images/groove_a_minor_96bpm_00000.png", "0f76a02f2dd3c17cd5bec540e808a32167de36fbe7c9d065f8acd583c557a76d"),
            ("images/groove_a_minor_96bpm_00001.png", "6de42882c97955dd10ee4850b348a7e226b155c4146998395e2ca6e52b971426"),
            ("images/house_c_major_124bpm_00000.png", "3bd7dba5be37f1204539a7144c789f1e369c626e7edda5dd4b2379db68f07dde"),
            ("images/house_c_major_124bpm_00001.png", "8b63d512edcdba7f82ef1b90eeb4924100fa22992cf6ef08667753d4c785cbd6"),
            ("images/house_c_major_124bpm_00002.png", "deb94eb7432d0ac501b6b068c323f344da28e78c89797733d29fb208ffd77830"),
            ("images/lofi_d_dorian_80bpm_00000.png", "13cd140a3e45e2f7d65b881e1206ea81202f430a4e05e1bba16854ebcd0e70e8"),
            ("images/lofi_d_dorian_80bpm_00001.png", "ae91018b3ea9a1cb3708b32bb41509a848d82cfded59f0a0aa1bc000c9d2960e"),
        });
        entries.SelectMany(e => e.Outputs).Should().HaveCount(14);
    }
}
