using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Datasets.Blocks;
using SpectroFlow.Datasets.Captions;

namespace SpectroFlow.Datasets.Writing;

/// <summary>
/// Writes a dataset's index files from a run's outcome: the layout's (<c>metadata.jsonl</c>, kohya's <c>.txt</c>
/// captions and <c>dataset.toml</c>) and the common ones (<c>credits.csv</c>, <c>CREDITS.md</c>, <c>README.md</c>,
/// <c>charts/*.png</c>). The same outcome gives the same bytes: rows sorted ordinally, invariant culture, no dates.
/// </summary>
internal sealed class DatasetIndexWriter(WriteDatasetOptions options, DatasetLayoutPaths layout, CaptionTemplate caption, DatasetServices services, string stepId, string outputRoot, Action<string> log)
{
    /// <summary>At most this many error lines are listed in the card.</summary>
    private const int MaxErrorLines = 100;

    public const string CreditsCsv = "credits.csv";
    public const string CreditsMarkdown = "CREDITS.md";
    public const string Readme = "README.md";
    public const string BpmChart = "charts/bpm.png";
    public const string DurationChart = "charts/duration.png";
    public const string MetadataJsonl = "metadata.jsonl";
    public const string KohyaToml = "dataset.toml";

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>BPM bins: below 60, ten-BPM bins up to 200, 200 and above.</summary>
    private static readonly double[] s_bpmEdges = [60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200];

    /// <summary>Duration bins in minutes: one-minute bins up to 10, 10 and above.</summary>
    private static readonly double[] s_minuteEdges = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    private readonly string _root = options.Folder.Resolve(outputRoot);

    /// <summary>Writes every index file for <paramref name="outcome"/>.</summary>
    public void Write(RunOutcome outcome, CancellationToken cancellationToken)
    {
        DatasetContents contents = DatasetContents.From(outcome, stepId, caption, layout.InstancePrefix);
        switch (layout.Kind)
        {
            case DatasetLayout.Diffusers:
                Publish($"{layout.ImageDir}/{MetadataJsonl}", Jsonl(contents));
                break;
            case DatasetLayout.Kohya:
                WriteCaptionFiles(contents, cancellationToken);
                Publish(KohyaToml, s_utf8.GetBytes(Toml()));
                break;
            case DatasetLayout.Dreambooth:
            default:
                break;
        }

        cancellationToken.ThrowIfCancellationRequested();
        ReportStrayImages(contents);
        Publish(CreditsCsv, s_utf8.GetBytes(Credits(contents)));
        Publish(CreditsMarkdown, s_utf8.GetBytes(CreditsList(contents)));
        (string[] bpmLabels, int[] bpmCounts, int noBpm) = BpmHistogram(contents);
        (string[] minuteLabels, int[] minuteCounts) = DurationHistogram(contents);
        Publish(BpmChart, services.EncodeRgbPng(BarChart.Width, BarChart.Height, BarChart.Draw(bpmCounts)));
        Publish(DurationChart, services.EncodeRgbPng(BarChart.Width, BarChart.Height, BarChart.Draw(minuteCounts)));
        Publish(Readme, s_utf8.GetBytes(Card(contents, bpmLabels, bpmCounts, noBpm, minuteLabels, minuteCounts)));
    }

    /// <summary>diffusers imagefolder rows, by file name: every row has the same columns (pyarrow needs one schema).</summary>
    internal static byte[] Jsonl(DatasetContents contents)
    {
        bool anyJamendo = false;
        bool anyClip = false;
        bool anyBpm = false;
        foreach (DatasetImage image in contents.Images)
        {
            anyJamendo |= DatasetTrack.Text(image.Metadata, DatasetKeys.JamendoId).Length > 0;
            anyClip |= image.Metadata.ContainsKey(WorkItem.Keys.ClipIndex);
            anyBpm |= DatasetTrack.Number(image.Metadata, DatasetKeys.Bpm) is not null;
        }

        var rows = new List<DatasetImage>(contents.Images);
        rows.Sort((a, b) => string.CompareOrdinal(a.FileName, b.FileName));
        using var stream = new MemoryStream();
        var writerOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (DatasetImage image in rows)
        {
            using (var json = new Utf8JsonWriter(stream, writerOptions))
            {
                json.WriteStartObject();
                json.WriteString("file_name", image.FileName);
                json.WriteString("text", image.Caption);
                json.WriteString("source", image.Source);
                if (anyJamendo)
                {
                    WriteStringOrNull(json, "jamendo_id", DatasetTrack.Text(image.Metadata, DatasetKeys.JamendoId));
                }

                if (anyClip)
                {
                    if (DatasetTrack.Number(image.Metadata, WorkItem.Keys.ClipIndex) is { } clip)
                    {
                        json.WriteNumber("clip_index", (long)clip);
                    }
                    else
                    {
                        json.WriteNull("clip_index");
                    }
                }

                if (anyBpm)
                {
                    if (DatasetTrack.Number(image.Metadata, DatasetKeys.Bpm) is { } bpm)
                    {
                        json.WriteNumber("bpm", Math.Round(bpm, 2));
                    }
                    else
                    {
                        json.WriteNull("bpm");
                    }
                }

                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return stream.ToArray();
    }

    /// <summary>credits.csv: one row per track (RFC 4180, CRLF).</summary>
    internal static string Credits(DatasetContents contents)
    {
        var csv = new StringBuilder("jamendo_id,title,artist,album,track_url,license,license_url,slices\r\n");
        foreach (DatasetTrack track in contents.Tracks)
        {
            csv.AppendJoin(',', [
                TextFormats.Csv(track.JamendoId),
                TextFormats.Csv(track.Title),
                TextFormats.Csv(track.Artist),
                TextFormats.Csv(track.Album),
                TextFormats.Csv(track.TrackUrl),
                TextFormats.Csv(track.License),
                TextFormats.Csv(track.LicenseUrl),
                track.Images.Count.ToString(CultureInfo.InvariantCulture)]);
            csv.Append("\r\n");
        }

        return csv.ToString();
    }

    /// <summary>CREDITS.md: "Title" by Artist — licence (link) — track link.</summary>
    internal static string CreditsList(DatasetContents contents)
    {
        var md = new StringBuilder("# Credits\n\n");
        md.Append("The spectrograms in this dataset are made from these recordings. Each keeps its own licence; attribute\n");
        md.Append("them as listed when you share the dataset or a model trained on it.\n\n");
        if (contents.Tracks.Count == 0)
        {
            md.Append("No tracks.\n");
        }

        foreach (DatasetTrack track in contents.Tracks)
        {
            md.Append("- \"").Append(TextFormats.Markdown(track.Title)).Append('"');
            if (track.Artist.Length > 0)
            {
                md.Append(" by ").Append(TextFormats.Markdown(track.Artist));
            }

            string license = track.License.Length > 0 ? TextFormats.Markdown(track.License) : "licence unknown";
            md.Append(" — ").Append(license);
            if (TextFormats.Url(track.LicenseUrl) is { } licenseUrl)
            {
                md.Append(" (<").Append(licenseUrl).Append(">)");
            }

            if (TextFormats.Url(track.TrackUrl) is { } trackUrl)
            {
                md.Append(" — <").Append(trackUrl).Append('>');
            }
            else if (track.JamendoId.Length == 0)
            {
                md.Append(" — local file ").Append(TextFormats.Markdown(track.Key));
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    private string Toml()
    {
        var toml = new StringBuilder();
        toml.Append("# kohya-ss sd-scripts dataset config (--dataset_config); image_dir is relative: run the trainer from this folder.\n");
        toml.Append("[general]\n");
        toml.Append("caption_extension = \".txt\"\n");
        toml.Append("shuffle_caption = false\n\n");
        toml.Append("[[datasets]]\n");
        toml.Append("resolution = 512\n");
        toml.Append("batch_size = 1\n");
        toml.Append("enable_bucket = false\n\n");
        toml.Append("  [[datasets.subsets]]\n");
        toml.Append("  image_dir = ").Append(TextFormats.Toml(layout.ImageDir)).Append('\n');
        toml.Append("  num_repeats = ").Append(layout.Repeats.ToString(CultureInfo.InvariantCulture)).Append('\n');
        toml.Append("  class_tokens = ").Append(TextFormats.Toml(layout.ClassTokens)).Append('\n');
        toml.Append("  flip_aug = false\n");
        toml.Append("  random_crop = false\n");
        return toml.ToString();
    }

    /// <summary>kohya's caption sidecars, one per image; stale ones (their image gone from the set) are removed.</summary>
    private void WriteCaptionFiles(DatasetContents contents, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetImage image in contents.Images)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string relative = Path.ChangeExtension(image.Path, ".txt");
            string full = Path.GetFullPath(Path.Combine(outputRoot, relative));
            wanted.Add(full);
            WriteIfChanged(full, s_utf8.GetBytes(image.Caption));
        }

        // An outcome of a run that did not list every input lacks items that are still in the set: keep their captions.
        string folder = layout.ImageFolder.Resolve(outputRoot);
        if (!contents.Complete || !Directory.Exists(folder))
        {
            return;
        }

        foreach (string file in Directory.EnumerateFiles(folder, "*.txt"))
        {
            if (!wanted.Contains(Path.GetFullPath(file)))
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// Images in the image folder that are not in the set (their input was removed and the run did not prune) would be
    /// trained on too: says so in one line rather than deleting files the manifest no longer vouches for.
    /// </summary>
    private void ReportStrayImages(DatasetContents contents)
    {
        string folder = layout.ImageFolder.Resolve(outputRoot);
        if (!contents.Complete || !Directory.Exists(folder))
        {
            return;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (DatasetImage image in contents.Images)
        {
            known.Add(Path.GetFullPath(Path.Combine(outputRoot, image.Path)));
        }

        var stray = new List<string>();
        foreach (string file in Directory.EnumerateFiles(folder, "*.png"))
        {
            if (!known.Contains(Path.GetFullPath(file)))
            {
                stray.Add(Path.GetFileName(file));
            }
        }

        if (stray.Count > 0)
        {
            stray.Sort(StringComparer.Ordinal);
            log($"{stepId}: {stray.Count} image(s) in {layout.ImageDir} are not in the dataset (their inputs are gone; run with --prune or delete them), e.g. {stray[0]}");
        }
    }

    private string Card(DatasetContents contents, string[] bpmLabels, int[] bpmCounts, int noBpm, string[] minuteLabels, int[] minuteCounts)
    {
        SpectrogramParams riffusion = SpectrogramParams.Riffusion;
        var md = new StringBuilder();
        md.Append("# ").Append(TextFormats.Markdown(options.Title)).Append("\n\n");
        md.Append("Spectrogram images of music (Riffusion format) with captions, written by SpectroFlow's `write-dataset` (step `")
            .Append(stepId).Append("`) in the **").Append(LayoutName(layout.Kind)).Append("** layout.\n\n");

        md.Append("## Parameters\n\n| parameter | value |\n|---|---|\n");
        md.Append("| layout | ").Append(LayoutName(layout.Kind)).Append(" |\n");
        md.Append("| image folder | `").Append(layout.ImageDir).Append("` |\n");
        md.Append("| caption template | `").Append(caption.Text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal)).Append("` |\n");
        md.Append("| instance token | ").Append(layout.Token is null ? "none" : $"`{layout.Token}`").Append(" |\n");
        md.Append("| class prompt | `").Append(layout.ClassPrompt).Append("` |\n");
        if (layout.InstancePrefix is { } prefix && layout.Kind != DatasetLayout.Dreambooth)
        {
            md.Append("| captions start with | `").Append(prefix).Append("` |\n");
        }

        if (layout.Kind == DatasetLayout.Dreambooth)
        {
            md.Append("| instance prompt | `").Append(layout.InstancePrompt).Append("` |\n");
        }

        if (layout.Kind == DatasetLayout.Kohya)
        {
            md.Append("| repeats | ").Append(Invariant(layout.Repeats)).Append(" |\n");
        }

        md.Append("\n## Counts\n\n| | count |\n|---|---|\n");
        md.Append("| tracks | ").Append(Invariant(contents.Tracks.Count)).Append(" |\n");
        md.Append("| slices (images) | ").Append(Invariant(contents.Images.Count)).Append(" |\n");
        md.Append("| source items | ").Append(Invariant(contents.SourceItems)).Append(" |\n");
        md.Append("| source items with errors | ").Append(Invariant(contents.FailedItems)).Append(" |\n");
        md.Append("| errors | ").Append(Invariant(contents.ErrorCount)).Append(" |\n");
        if (!contents.Complete)
        {
            md.Append("\nThe run did not list every input to its end: this card describes what it saw, not the whole source.\n");
        }

        md.Append("\n## Training\n\n");
        AppendTraining(md);

        md.Append("\n## Spectrogram format\n\n");
        md.Append("Every image is ").Append(Invariant(WriteDatasetBlock.ImageSide)).Append('×').Append(Invariant(WriteDatasetBlock.ImageSide))
            .Append(" px, one 5119 ms slice of a track: columns are STFT frames (time, left to right), rows mel bins (low frequencies at the bottom), ")
            .Append("like Riffusion's `riffusion-model-v1`. Riffusion parameters: ")
            .Append(Invariant(riffusion.SampleRate)).Append(" Hz, ").Append(riffusion.Stereo ? "stereo" : "mono")
            .Append(", hop ").Append(Invariant(riffusion.StepSizeMs)).Append(" ms, window ").Append(Invariant(riffusion.WindowDurationMs))
            .Append(" ms, n_fft ").Append(Invariant(riffusion.FftSize)).Append(" (").Append(Invariant(riffusion.PaddedDurationMs))
            .Append(" ms), ").Append(Invariant(riffusion.NumFrequencies)).Append(" mel bins from ").Append(Invariant(riffusion.MinFrequency))
            .Append(" to ").Append(Invariant(riffusion.MaxFrequency)).Append(" Hz, power ").Append(riffusion.PowerForImage.ToString("0.##", CultureInfo.InvariantCulture))
            .Append(", inverted 8-bit RGB. Each PNG carries its own parameters in EXIF (tags 11000–11080, as Riffusion writes them), so ")
            .Append("`spectroflow` and Riffusion's tools turn it back into audio.\n\n");
        md.Append("**Never flip the images horizontally**: a horizontal flip reverses time (no `--random_flip`, `flip_aug = false`). ")
            .Append("They are already 512×512, so resizing and cropping must leave them as they are (no random crop).\n");

        md.Append("\n## Left out\n\n");
        if (contents.LeftOut.Count == 0)
        {
            md.Append("Nothing was left out.\n");
        }
        else
        {
            md.Append("| step | reason | items |\n|---|---|---|\n");
            foreach ((string step, string reason, int count) in contents.LeftOut)
            {
                md.Append("| ").Append(TextFormats.Markdown(step)).Append(" | ").Append(TextFormats.Markdown(reason)).Append(" | ").Append(Invariant(count)).Append(" |\n");
            }
        }

        md.Append("\n## Errors\n\n");
        if (contents.Errors.Count == 0)
        {
            md.Append("No errors.\n");
        }
        else
        {
            md.Append("| step | errors |\n|---|---|\n");
            foreach ((string step, int count) in contents.Errors)
            {
                md.Append("| ").Append(TextFormats.Markdown(step)).Append(" | ").Append(Invariant(count)).Append(" |\n");
            }

            // The reasons, so the card says why a track is missing (a bounded list: a nightly run may fail many).
            md.Append('\n');
            int shown = Math.Min(contents.ErrorLines.Count, MaxErrorLines);
            for (int i = 0; i < shown; i++)
            {
                md.Append("- ").Append(TextFormats.Markdown(contents.ErrorLines[i])).Append('\n');
            }

            if (contents.ErrorLines.Count > shown)
            {
                md.Append("- … and ").Append(Invariant(contents.ErrorLines.Count - shown)).Append(" more (see manifest.jsonl)\n");
            }
        }

        md.Append("\n## Licences\n\n| licence | tracks | slices |\n|---|---|---|\n");
        var licences = new SortedDictionary<string, (int Tracks, int Slices)>(StringComparer.Ordinal);
        foreach (DatasetTrack track in contents.Tracks)
        {
            string license = track.License.Length > 0 ? track.License : "unknown";
            (int tracks, int slices) = licences.TryGetValue(license, out var counts) ? counts : (0, 0);
            licences[license] = (tracks + 1, slices + track.Images.Count);
        }

        foreach ((string license, (int tracks, int slices)) in licences)
        {
            md.Append("| ").Append(TextFormats.Markdown(license)).Append(" | ").Append(Invariant(tracks)).Append(" | ").Append(Invariant(slices)).Append(" |\n");
        }

        if (licences.Keys.Any(l => l.Contains("NC", StringComparison.Ordinal)))
        {
            md.Append("\nNC (non-commercial) licences: the dataset and models trained on it may not be used commercially.\n");
        }

        if (licences.Keys.Any(l => l.Contains("ND", StringComparison.Ordinal)))
        {
            md.Append("\nND (no derivatives) licences: whether a model trained on these recordings is a derivative is unsettled; leave them out (Jamendo `ccnd=false`) when in doubt.\n");
        }

        md.Append("\nEvery track and its licence: `").Append(CreditsCsv).Append("` and `").Append(CreditsMarkdown).Append("`.\n");

        md.Append("\n## Tempo\n\n![BPM histogram](").Append(BpmChart).Append(")\n\n| bar | BPM | tracks |\n|---|---|---|\n");
        AppendBins(md, bpmLabels, bpmCounts);
        md.Append("\nTracks without a tempo estimate: ").Append(Invariant(noBpm)).Append(".\n");

        md.Append("\n## Duration\n\n![Duration histogram](").Append(DurationChart).Append(")\n\n| bar | minutes | tracks |\n|---|---|---|\n");
        AppendBins(md, minuteLabels, minuteCounts);
        return md.ToString();
    }

    private void AppendTraining(StringBuilder md)
    {
        md.Append("Set `DATASET` to this folder.\n\n```sh\n");
        switch (layout.Kind)
        {
            case DatasetLayout.Dreambooth:
                md.Append("# diffusers examples/dreambooth; the folder holds images only, all with one prompt\n");
                md.Append("accelerate launch train_dreambooth.py \\\n");
                md.Append("  --pretrained_model_name_or_path riffusion/riffusion-model-v1 \\\n");
                md.Append("  --instance_data_dir \"$DATASET/").Append(layout.ImageDir).Append("\" \\\n");
                md.Append("  --instance_prompt \"").Append(layout.InstancePrompt).Append("\" \\\n");
                md.Append("  --resolution 512 --train_batch_size 1 --learning_rate 5e-6 \\\n");
                md.Append("  --lr_scheduler constant --lr_warmup_steps 0 --max_train_steps 800 \\\n");
                md.Append("  --output_dir riffusion-dreambooth\n");
                md.Append("```\n\n");
                md.Append("Instance prompt: `").Append(layout.InstancePrompt).Append("`. Class prompt (prior preservation: add ")
                    .Append("`--with_prior_preservation --class_data_dir CLASS_DIR --class_prompt \"a ").Append(layout.ClassPrompt)
                    .Append("\"`): `a ").Append(layout.ClassPrompt).Append("`. Per-image captions (metadata `caption`) are in the run's manifest.\n");
                break;
            case DatasetLayout.Kohya:
                md.Append("# kohya-ss sd-scripts; image_dir in dataset.toml is relative to this folder\n");
                md.Append("cd \"$DATASET\"\n");
                md.Append("accelerate launch /path/to/sd-scripts/train_network.py \\\n");
                md.Append("  --pretrained_model_name_or_path riffusion/riffusion-model-v1 \\\n");
                md.Append("  --dataset_config dataset.toml \\\n");
                md.Append("  --network_module networks.lora --resolution 512 \\\n");
                md.Append("  --output_dir riffusion-lora\n");
                md.Append("```\n\n");
                md.Append("Images are in `").Append(layout.ImageDir).Append("` (").Append(Invariant(layout.Repeats))
                    .Append(" repeats, class tokens `").Append(layout.ClassTokens).Append("`), each with its caption in a `.txt` file of the same name.\n");
                break;
            case DatasetLayout.Diffusers:
            default:
                md.Append("# diffusers examples/text_to_image; never pass --random_flip\n");
                md.Append("accelerate launch train_text_to_image_lora.py \\\n");
                md.Append("  --pretrained_model_name_or_path riffusion/riffusion-model-v1 \\\n");
                md.Append("  --train_data_dir \"$DATASET/").Append(layout.ImageDir).Append("\" \\\n");
                md.Append("  --image_column image --caption_column text \\\n");
                md.Append("  --resolution 512 --train_batch_size 1 --learning_rate 1e-4 \\\n");
                md.Append("  --output_dir riffusion-lora\n");
                md.Append("```\n\n");
                md.Append("Captions are the `text` column of `").Append(layout.ImageDir).Append('/').Append(MetadataJsonl)
                    .Append("` (`datasets.load_dataset(\"imagefolder\", data_dir=\"").Append(layout.ImageDir).Append("\")`).\n");
                break;
        }
    }

    private static void AppendBins(StringBuilder md, string[] labels, int[] counts)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            md.Append("| ").Append(Invariant(i + 1)).Append(" | ").Append(labels[i]).Append(" | ").Append(Invariant(counts[i])).Append(" |\n");
        }
    }

    private static (string[] Labels, int[] Counts, int Unknown) BpmHistogram(DatasetContents contents)
    {
        int[] counts = new int[s_bpmEdges.Length + 1];
        int unknown = 0;
        foreach (DatasetTrack track in contents.Tracks)
        {
            if (track.Bpm is { } bpm)
            {
                counts[Bin(s_bpmEdges, bpm)]++;
            }
            else
            {
                unknown++;
            }
        }

        return (Labels(s_bpmEdges, 1), counts, unknown);
    }

    private static (string[] Labels, int[] Counts) DurationHistogram(DatasetContents contents)
    {
        int[] counts = new int[s_minuteEdges.Length + 1];
        foreach (DatasetTrack track in contents.Tracks)
        {
            counts[Bin(s_minuteEdges, track.DurationSeconds / 60)]++;
        }

        return (Labels(s_minuteEdges, 0), counts);
    }

    private static int Bin(double[] edges, double value)
    {
        int bin = 0;
        while (bin < edges.Length && value >= edges[bin])
        {
            bin++;
        }

        return bin;
    }

    /// <summary><c>&lt; 60</c>, <c>60–69</c> (integer bins: <paramref name="lastOffset"/> 1) or <c>1–2</c>, …, <c>≥ 200</c>.</summary>
    private static string[] Labels(double[] edges, int lastOffset)
    {
        string[] labels = new string[edges.Length + 1];
        labels[0] = $"< {Invariant(edges[0])}";
        for (int i = 1; i < edges.Length; i++)
        {
            labels[i] = $"{Invariant(edges[i - 1])}–{Invariant(edges[i] - lastOffset)}";
        }

        labels[^1] = $"≥ {Invariant(edges[^1])}";
        return labels;
    }

    private static string LayoutName(DatasetLayout kind) => kind switch
    {
        DatasetLayout.Dreambooth => "dreambooth",
        DatasetLayout.Kohya => "kohya",
        _ => "diffusers",
    };

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string value)
    {
        if (value.Length > 0)
        {
            json.WriteString(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private void Publish(string relative, byte[] content) => WriteIfChanged(Path.Combine(_root, relative), content);

    /// <summary>Writes atomically unless the file already holds <paramref name="content"/> (re-runs touch nothing).</summary>
    private static void WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && new FileInfo(path).Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return;
        }

        AtomicFile.WriteAllBytes(path, content);
    }
}
