using SpectroFlow.TestKit;

namespace SpectroFlow.Cli.Tests;

/// <summary>write-dataset through the CLI: captions reach the manifest, and a resumed run rewrites the index files from it.</summary>
public sealed class WriteDatasetRecipeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spectroflow-write-dataset-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FolderToLora_TwoShardsThenMergeThenOnePlainRun_WriteTheWholeSetOnce_WithoutRedoingAnything()
    {
        string music = Path.Combine(_directory, "music");
        Directory.CreateDirectory(music);
        foreach (string sample in Directory.GetFiles(Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples")))
        {
            for (int copy = 0; copy < 2; copy++)
            {
                File.Copy(sample, Path.Combine(music, $"{copy}_{Path.GetFileName(sample)}"));
            }
        }

        // The bundled recipe pointed at the music folder (not through MUSIC_DIR: the environment is shared by parallel tests).
        string recipe = Path.Combine(_directory, "folder-to-lora.yaml");
        string bundled = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot, "recipes", "folder-to-lora.yaml"));
        File.WriteAllText(recipe, bundled.Replace("${MUSIC_DIR:-../datasets/samples}", music, StringComparison.Ordinal));
        string output = Path.Combine(_directory, "set");
        string[] run = ["run", recipe, "--output", output];
        (await CliRunner.RunAsync([.. run, "--shard", "0/2"])).ExitCode.Should().Be(0);
        (await CliRunner.RunAsync([.. run, "--shard", "1/2"])).ExitCode.Should().Be(0);
        File.Exists(Path.Combine(output, "train", "metadata.jsonl")).Should().BeFalse("shards leave the index files to the merged run");

        CliResult merge = await CliRunner.RunAsync("merge-manifests", Path.Combine(output, "manifest.jsonl"), Path.Combine(output, "manifest.shard-0-of-2.jsonl"), Path.Combine(output, "manifest.shard-1-of-2.jsonl"));
        merge.ExitCode.Should().Be(0, merge.Output + merge.Error);
        CliResult plain = await CliRunner.RunAsync(run);

        plain.ExitCode.Should().Be(0, plain.Output + plain.Error);
        plain.Output.Should().Contain("0 files written, 6 items skipped (already done)");
        string[] rows = File.ReadAllLines(Path.Combine(output, "train", "metadata.jsonl"));
        rows.Should().HaveCount(8, "two copies of 1 + 2 + 1 slices").And.OnlyHaveUniqueItems();
        rows[0].Should().StartWith("{\"file_name\":\"0_groove_a_minor_96bpm_00000.png\",\"text\":\"demo, 96 bpm\"");
        File.ReadAllLines(Path.Combine(output, "credits.csv")).Should().HaveCount(7);
    }

    [Fact]
    public async Task Run_Kohya_WritesImagesCaptionsAndIndexFiles_AndAResumedRunRewritesThemFromTheManifest()
    {
        string input = Path.Combine(_directory, "in", "set");
        Directory.CreateDirectory(input);
        File.Copy(Fixtures.RiffusionClipWav, Path.Combine(input, "clip.wav"));
        File.Copy(TestFiles.Fixture("audio/tone_1000l_2500r_44k1_stereo_1500ms.mp3"), Path.Combine(input, "tone.mp3"));
        string recipe = Path.Combine(_directory, "r.yaml");
        await File.WriteAllTextAsync(recipe, """
            inputs:
              - id: songs
                folder: in
            steps:
              - id: clips
                use: decode-slices
              - id: mel
                use: mel
              - id: image
                use: encode-image
              - id: dataset
                use: write-dataset
                folder: set
                layout: kohya
                instance_token: sks
                caption: "clip {clip_index}, {genres}"
            outputs:
              root: out
            """);
        string output = Path.Combine(_directory, "out");
        string images = "set/img/10_sks music/";

        CliResult first = await CliRunner.RunAsync("run", recipe);

        first.ExitCode.Should().Be(0, first.Output + first.Error);
        Listing(output).Where(f => f.StartsWith("set/", StringComparison.Ordinal)).Should().Equal(
            "set/CREDITS.md", "set/README.md", "set/charts/bpm.png", "set/charts/duration.png", "set/credits.csv", "set/dataset.toml",
            images + "set_clip_00000.png", images + "set_clip_00000.txt", images + "set_clip_00001.png", images + "set_clip_00001.txt",
            images + "set_tone_00000.png", images + "set_tone_00000.txt");
        File.ReadAllText(Path.Combine(output, images + "set_clip_00001.txt")).Should().Be("sks music, clip 1");
        File.ReadAllText(Path.Combine(output, "set/credits.csv")).Should().Be(
            "jamendo_id,title,artist,album,track_url,license,license_url,slices\r\n,clip.wav,,,,,,2\r\n,tone.mp3,,,,,,1\r\n");
        File.ReadAllText(Path.Combine(output, "set/README.md")).Should().Contain("| tracks | 2 |\n| slices (images) | 3 |\n");
        Dictionary<string, byte[]> before = Contents(output);

        File.Delete(Path.Combine(output, images + "set_tone_00000.txt"));
        CliResult resumed = await CliRunner.RunAsync("run", recipe);

        resumed.ExitCode.Should().Be(0, resumed.Output + resumed.Error);
        Dictionary<string, byte[]> after = Contents(output);
        after.Keys.Should().Equal(before.Keys);
        foreach ((string file, byte[] bytes) in before)
        {
            after[file].Should().Equal(bytes, file);
        }
    }

    private static List<string> Listing(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private static Dictionary<string, byte[]> Contents(string folder) =>
        Listing(folder).Where(f => f.StartsWith("set/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(folder, f)), StringComparer.Ordinal);
}
