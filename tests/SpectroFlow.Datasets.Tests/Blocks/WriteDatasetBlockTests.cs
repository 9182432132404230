using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Imaging;

namespace SpectroFlow.Datasets.Tests.Blocks;

public sealed class WriteDatasetBlockTests : IDisposable
{
    private const string CreditsCsv =
        "jamendo_id,title,artist,album,track_url,license,license_url,slices\r\n" +
        "1001,\"Night, \"\"Drive\"\"\",Zoë & Co,\"Line\nBreak\",https://www.jamendo.com/track/1001,CC BY-SA 3.0,http://creativecommons.org/licenses/by-sa/3.0/,2\r\n" +
        "1002,Été | señor [live] *,\"Ana, \"\"the\"\" Singer\",,https://www.jamendo.com/track/1002,CC BY-NC-ND 4.0,https://creativecommons.org/licenses/by-nc-nd/4.0/,2\r\n" +
        ",song.wav,,,,,,2\r\n";

    private const string CreditsMarkdown =
        "# Credits\n\n" +
        "The spectrograms in this dataset are made from these recordings. Each keeps its own licence; attribute\n" +
        "them as listed when you share the dataset or a model trained on it.\n\n" +
        "- \"Night, \"Drive\"\" by Zoë & Co — CC BY-SA 3.0 (<http://creativecommons.org/licenses/by-sa/3.0/>) — <https://www.jamendo.com/track/1001>\n" +
        "- \"Été \\| señor \\[live\\] \\*\" by Ana, \"the\" Singer — CC BY-NC-ND 4.0 (<https://creativecommons.org/licenses/by-nc-nd/4.0/>) — <https://www.jamendo.com/track/1002>\n" +
        "- \"song.wav\" — licence unknown — local file local/song.wav\n";

    private static readonly string[] s_common = ["CREDITS.md", "README.md", "charts/bpm.png", "charts/duration.png", "credits.csv"];

    private static readonly string[] s_names =
        ["1001-night-drive_00000", "1001-night-drive_00001", "1002-ete_00000", "1002-ete_00001", "local_song_00000", "local_song_00001"];

    private readonly DatasetFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Diffusers_layout_writes_train_folder_and_metadata_jsonl()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions());

        await block.FinishAsync(await _fixture.WriteAllAsync(block), CancellationToken.None);

        _fixture.Listing().Should().Equal([.. s_common, .. s_names.Select(n => $"train/{n}.png"), "train/metadata.jsonl"]);
        _fixture.Read("train/metadata.jsonl").Should().Be(
            "{\"file_name\":\"1001-night-drive_00000.png\",\"text\":\"rock, pop, guitar, 120 bpm\",\"source\":\"1001-night-drive.mp3\",\"jamendo_id\":\"1001\",\"clip_index\":0,\"bpm\":119.6}\n" +
            "{\"file_name\":\"1001-night-drive_00001.png\",\"text\":\"rock, pop, guitar, 120 bpm\",\"source\":\"1001-night-drive.mp3\",\"jamendo_id\":\"1001\",\"clip_index\":1,\"bpm\":119.6}\n" +
            "{\"file_name\":\"1002-ete_00000.png\",\"text\":\"electronic, happy, vocal\",\"source\":\"1002-ete.mp3\",\"jamendo_id\":\"1002\",\"clip_index\":0,\"bpm\":null}\n" +
            "{\"file_name\":\"1002-ete_00001.png\",\"text\":\"electronic, happy, vocal\",\"source\":\"1002-ete.mp3\",\"jamendo_id\":\"1002\",\"clip_index\":1,\"bpm\":null}\n" +
            "{\"file_name\":\"local_song_00000.png\",\"text\":\"90 bpm\",\"source\":\"local/song.wav\",\"jamendo_id\":null,\"clip_index\":0,\"bpm\":90}\n" +
            "{\"file_name\":\"local_song_00001.png\",\"text\":\"90 bpm\",\"source\":\"local/song.wav\",\"jamendo_id\":null,\"clip_index\":1,\"bpm\":90}\n");
        _fixture.Read("credits.csv").Should().Be(CreditsCsv);
        _fixture.Read("CREDITS.md").Should().Be(CreditsMarkdown);
    }

    [Fact]
    public async Task Images_are_riffusion_pngs_and_the_caption_is_item_metadata()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions { InstanceToken = "sks" });
        WorkItem slice = DatasetFixture.Slices(DatasetFixture.Tracks[0], 0)[1];
        var context = new BlockContext(_fixture.Run, DatasetFixture.Step, slice);

        WrittenFile file = await block.ProcessAsync((SpectrogramImage)slice.Payload, context, CancellationToken.None);

        file.RelativePath.Should().Be("train/1001-night-drive_00001.png");
        context.OutputMetadata.Should().Equal(new Dictionary<string, object> { ["caption"] = "sks music, rock, pop, guitar, 120 bpm" });
        SpectrogramImage read = SpectrogramPng.Read(file.FullPath);
        read.Rgb.Should().Equal(((SpectrogramImage)slice.Payload).Rgb);
        read.Parameters.Should().Be(((SpectrogramImage)slice.Payload).Parameters);
    }

    [Fact]
    public async Task Kohya_layout_writes_repeats_folder_captions_and_dataset_toml()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Kohya, InstanceToken = "sks", Repeats = 3 });
        RunOutcome outcome = await _fixture.WriteAllAsync(block);
        string folder = Path.Combine(_fixture.Root, "img", "3_sks music");
        File.WriteAllText(Path.Combine(folder, "removed_00000.txt"), "a caption of an image no longer in the set");

        await block.FinishAsync(outcome, CancellationToken.None);

        _fixture.Listing().Should().Equal([
            .. s_common,
            "dataset.toml",
            .. s_names.SelectMany(n => new[] { $"img/3_sks music/{n}.png", $"img/3_sks music/{n}.txt" })]);
        string[] captions = [.. s_names.Select(n => _fixture.Read($"img/3_sks music/{n}.txt"))];
        captions.Should().Equal(
            "sks music, rock, pop, guitar, 120 bpm",
            "sks music, rock, pop, guitar, 120 bpm",
            "sks music, electronic, happy, vocal",
            "sks music, electronic, happy, vocal",
            "sks music, 90 bpm",
            "sks music, 90 bpm");
        _fixture.Read("dataset.toml").Should().Be(
            "# kohya-ss sd-scripts dataset config (--dataset_config); image_dir is relative: run the trainer from this folder.\n" +
            "[general]\n" +
            "caption_extension = \".txt\"\n" +
            "shuffle_caption = false\n" +
            "\n" +
            "[[datasets]]\n" +
            "resolution = 512\n" +
            "batch_size = 1\n" +
            "enable_bucket = false\n" +
            "\n" +
            "  [[datasets.subsets]]\n" +
            "  image_dir = \"img/3_sks music\"\n" +
            "  num_repeats = 3\n" +
            "  class_tokens = \"sks music\"\n" +
            "  flip_aug = false\n" +
            "  random_crop = false\n");
        _fixture.Read("credits.csv").Should().Be(CreditsCsv);
        _fixture.Read("README.md").Should().Contain("| instance token | `sks` |\n| class prompt | `music` |\n| captions start with | `sks music` |\n| repeats | 3 |\n");
    }

    [Fact]
    public async Task Dreambooth_layout_writes_images_only_and_the_prompts_in_the_readme()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Dreambooth, InstanceToken = "sks" });

        await block.FinishAsync(await _fixture.WriteAllAsync(block), CancellationToken.None);

        _fixture.Listing().Should().Equal([.. s_common, .. s_names.Select(n => $"instance_images/{n}.png")]);
        string readme = _fixture.Read("README.md");
        readme.Should().Contain("  --instance_data_dir \"$DATASET/instance_images\" \\\n  --instance_prompt \"a sks music\" \\\n");
        readme.Should().Contain("| instance prompt | `a sks music` |\n");
        readme.Should().Contain("Instance prompt: `a sks music`. Class prompt (prior preservation: add `--with_prior_preservation --class_data_dir CLASS_DIR --class_prompt \"a music\"`): `a music`.");
        _fixture.Read("credits.csv").Should().Be(CreditsCsv);
    }

    [Fact]
    public async Task Readme_reports_parameters_counts_left_out_errors_licences_and_histograms()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions { Title = "Night [drive] set" });

        await block.FinishAsync(await _fixture.WriteAllAsync(block), CancellationToken.None);

        string readme = _fixture.Read("README.md");
        readme.Should().StartWith("# Night \\[drive\\] set\n\n");
        readme.Should().Contain("| layout | diffusers |\n| image folder | `train` |\n| caption template | `{genres}, {instruments}, {vartags}, {vocalinstrumental}, {bpm} bpm` |\n| instance token | none |\n| class prompt | `music` |\n");
        readme.Should().Contain("| tracks | 3 |\n| slices (images) | 6 |\n| source items | 3 |\n| source items with errors | 1 |\n| errors | 1 |\n");
        readme.Should().Contain("  --train_data_dir \"$DATASET/train\" \\\n");
        readme.Split('\n').Where(l => l.StartsWith("  --", StringComparison.Ordinal)).Should().NotContain(l => l.Contains("flip", StringComparison.Ordinal));
        readme.Should().Contain("**Never flip the images horizontally**: a horizontal flip reverses time");
        readme.Should().Contain("| step | reason | items |\n|---|---|---|\n| select | near-silent | 1 |\n| songs | download not allowed | 2 |\n");
        readme.Should().Contain("| step | errors |\n|---|---|\n| mel | 1 |\n");
        readme.Should().Contain("| licence | tracks | slices |\n|---|---|---|\n| CC BY-NC-ND 4.0 | 1 | 2 |\n| CC BY-SA 3.0 | 1 | 2 |\n| unknown | 1 | 2 |\n");
        readme.Should().Contain("\nNC (non-commercial) licences: the dataset and models trained on it may not be used commercially.\n");
        readme.Should().Contain("\nND (no derivatives) licences:");
        readme.Should().NotContain("captions start with");
        readme.Should().Contain("![BPM histogram](charts/bpm.png)\n\n| bar | BPM | tracks |\n|---|---|---|\n| 1 | < 60 | 0 |\n");
        readme.Should().Contain("| 5 | 90–99 | 1 |\n| 6 | 100–109 | 0 |\n| 7 | 110–119 | 1 |\n");
        readme.Should().Contain("| 16 | ≥ 200 | 0 |\n\nTracks without a tempo estimate: 1.\n");
        readme.Should().Contain("| bar | minutes | tracks |\n|---|---|---|\n| 1 | < 1 | 1 |\n| 2 | 1–2 | 1 |\n| 3 | 2–3 | 0 |\n| 4 | 3–4 | 1 |\n");
        readme.Should().EndWith("| 11 | ≥ 10 | 0 |\n");
        readme.Should().Contain("Every image is 512×512 px, one 5119 ms slice");
        readme.Should().Contain("44100 Hz, mono, hop 10 ms, window 100 ms, n_fft 17640 (400 ms), 512 mel bins from 0 to 10000 Hz, power 0.25");
        readme.Should().Contain("EXIF (tags 11000–11080");
        readme.Should().NotContain("\r");
    }

    [Fact]
    public async Task Histograms_are_pngs_of_the_chart_size_with_one_bar_per_track()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions());

        await block.FinishAsync(await _fixture.WriteAllAsync(block), CancellationToken.None);

        foreach (string chart in new[] { "charts/bpm.png", "charts/duration.png" })
        {
            SpectrogramImage image = SpectrogramPng.ReadAnyHeight(Path.Combine(_fixture.Root, chart));
            image.Width.Should().Be(640);
            image.Height.Should().Be(240);
            image[0, 0, 0].Should().Be(255, "the background is white");
        }

        // BPM: bars 5 (90-99) and 7 (110-119), one track each, reach the top of the plot; bar 1 (< 60) is empty.
        SpectrogramImage bpm = SpectrogramPng.ReadAnyHeight(Path.Combine(_fixture.Root, "charts/bpm.png"));
        int slot = (640 - 32) / 16;
        Bar(bpm, 4, slot).Should().Be(240 - 32);
        Bar(bpm, 6, slot).Should().Be(240 - 32);
        Bar(bpm, 0, slot).Should().Be(0);
    }

    [Fact]
    public async Task A_resumed_run_includes_earlier_items_and_a_removed_item_is_gone()
    {
        WriteDatasetBlock first = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Kohya });
        FinishedItem a = await _fixture.ProcessAsync(first, DatasetFixture.Tracks[0], 0);
        FinishedItem b = await _fixture.ProcessAsync(first, DatasetFixture.Tracks[1], 1);

        // The run was killed before finishing; the next run skips a and b (the manifest has them) and makes c.
        _fixture.NextRun();
        WriteDatasetBlock second = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Kohya });
        FinishedItem c = await _fixture.ProcessAsync(second, DatasetFixture.Tracks[2], 2);
        await second.FinishAsync(DatasetFixture.Outcome([a, b, c]), CancellationToken.None);

        _fixture.Read("credits.csv").Should().Be(CreditsCsv);
        _fixture.Read("README.md").Should().Contain("| tracks | 3 |\n| slices (images) | 6 |\n");
        _fixture.Listing().Count(f => f.EndsWith(".txt", StringComparison.Ordinal)).Should().Be(6);

        // The second track's file was removed: the next run's outcome no longer has it.
        _fixture.NextRun();
        WriteDatasetBlock third = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Kohya });
        await third.FinishAsync(DatasetFixture.Outcome([a, c]), CancellationToken.None);

        _fixture.Read("credits.csv").Should().Be(
            "jamendo_id,title,artist,album,track_url,license,license_url,slices\r\n" +
            "1001,\"Night, \"\"Drive\"\"\",Zoë & Co,\"Line\nBreak\",https://www.jamendo.com/track/1001,CC BY-SA 3.0,http://creativecommons.org/licenses/by-sa/3.0/,2\r\n" +
            ",song.wav,,,,,,2\r\n");
        _fixture.Read("README.md").Should().Contain("| tracks | 2 |\n| slices (images) | 4 |\n");
        _fixture.Log.Should().Equal(
            "dataset: 2 image(s) in img/10_music are not in the dataset (their inputs are gone; run with --prune or delete them), e.g. 1002-ete_00000.png");
        _fixture.Listing().Where(f => f.EndsWith(".txt", StringComparison.Ordinal)).Should().Equal(
            "img/10_music/1001-night-drive_00000.txt", "img/10_music/1001-night-drive_00001.txt",
            "img/10_music/local_song_00000.txt", "img/10_music/local_song_00001.txt");
    }

    [Fact]
    public async Task An_image_that_is_not_512_square_fails_the_item_in_one_line()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions());
        WorkItem item = DatasetFixture.Slices(DatasetFixture.Tracks[0], 0)[0];

        Func<Task> process = async () => await block.ProcessAsync(DatasetFixture.Image(1024, 512), new BlockContext(_fixture.Run, DatasetFixture.Step, item), CancellationToken.None);

        await process.Should().ThrowAsync<SpectroFlowException>().WithMessage("dataset images must be 512x512 (a 5119 ms slice); got 1024x512");
        _fixture.Listing().Should().BeEmpty();
    }

    [Fact]
    public async Task A_shard_run_writes_no_index_files_and_says_so_in_one_line()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions { Layout = DatasetLayout.Kohya });
        RunOutcome outcome = await _fixture.WriteAllAsync(block);

        await block.FinishAsync(outcome with { Shard = "1/4" }, CancellationToken.None);

        _fixture.Listing().Should().OnlyContain(f => f.EndsWith(".png", StringComparison.Ordinal)).And.HaveCount(6);
        _fixture.Log.Should().Equal("dataset: shard 1/4: dataset index files (captions, credits, README) are written by one unsharded run after 'spectroflow merge-manifests'");
    }

    [Fact]
    public async Task The_same_outcome_gives_byte_identical_files()
    {
        using var other = new DatasetFixture();
        var options = new WriteDatasetOptions { Layout = DatasetLayout.Kohya, InstanceToken = "sks" };
        WriteDatasetBlock block = _fixture.Block(options);
        WriteDatasetBlock otherBlock = other.Block(options);
        await block.FinishAsync(await _fixture.WriteAllAsync(block), CancellationToken.None);
        await otherBlock.FinishAsync(await other.WriteAllAsync(otherBlock), CancellationToken.None);

        other.Listing().Should().Equal(_fixture.Listing());
        foreach (string file in _fixture.Listing())
        {
            File.ReadAllBytes(Path.Combine(other.Root, file)).Should().Equal(File.ReadAllBytes(Path.Combine(_fixture.Root, file)), file);
        }
    }

    [Fact]
    public async Task An_empty_outcome_writes_an_empty_index()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions());

        await block.FinishAsync(new RunOutcome([], [], Complete: true, Shard: null), CancellationToken.None);

        _fixture.Listing().Should().Equal([.. s_common, "train/metadata.jsonl"]);
        _fixture.Read("train/metadata.jsonl").Should().BeEmpty();
        _fixture.Read("credits.csv").Should().Be("jamendo_id,title,artist,album,track_url,license,license_url,slices\r\n");
        _fixture.Read("CREDITS.md").Should().EndWith("\n\nNo tracks.\n");
        _fixture.Read("README.md").Should().Contain("| tracks | 0 |\n| slices (images) | 0 |\n").And.Contain("Nothing was left out.\n").And.Contain("No errors.\n");
    }

    [Fact]
    public async Task A_file_recorded_under_two_source_items_is_one_image()
    {
        WriteDatasetBlock block = _fixture.Block(new WriteDatasetOptions());
        RunOutcome outcome = await _fixture.WriteAllAsync(block);
        FinishedItem first = outcome.Items[0];
        FinishedItem partner = new("zz-partner.mp3", true, [first.Outputs[0]], [], []);

        await block.FinishAsync(outcome with { Items = [.. outcome.Items, partner] }, CancellationToken.None);

        _fixture.Read("credits.csv").Should().Be(CreditsCsv);
        _fixture.Read("train/metadata.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(6);
    }

    [Fact]
    public void Options_are_checked_at_load()
    {
        Errors(new WriteDatasetOptions()).Should().BeEmpty();
        Errors(new WriteDatasetOptions { Caption = "{genres" }).Should().Equal("caption: caption template has an unclosed '{' at position 1");
        Errors(new WriteDatasetOptions { Layout = DatasetLayout.Dreambooth }).Should().Equal(
            "layout: layout dreambooth needs instance_token (e.g. sks): its one prompt is 'a <token> <class_prompt>'");
        Errors(new WriteDatasetOptions { InstanceToken = "s/ks" }).Should().Equal(
            "instance_token: instance_token must be one word without commas, quotes or path characters (e.g. sks)");
        Errors(new WriteDatasetOptions { ClassPrompt = "music, rock" }).Should().Equal(
            "class_prompt: class_prompt must be a few words without commas, quotes or path characters (e.g. music)");
        Errors(new WriteDatasetOptions { Name = "{stem" }).Should().ContainSingle().Which.Should().StartWith("name: ");
    }

    private static List<string> Errors(WriteDatasetOptions options)
    {
        var errors = new ValidationErrors();
        options.Validate(errors);
        return [.. errors.Errors.Select(e => $"{e.Key}: {e.Message}")];
    }

    /// <summary>The height of bar <paramref name="index"/> in pixels (steel blue at the bar's middle column).</summary>
    private static int Bar(SpectrogramImage chart, int index, int slot)
    {
        int column = 16 + index * slot + slot / 2;
        int height = 0;
        for (int row = 0; row < chart.Height; row++)
        {
            if (chart[row, column, 0] == 70 && chart[row, column, 1] == 130 && chart[row, column, 2] == 180)
            {
                height++;
            }
        }

        return height;
    }
}
