using System.Globalization;
using System.Text;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Engine.Reporting;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Reporting;

/// <summary>
/// Writes <c>report.html</c> and its thumbnails (<c>report_files/</c>) in an output root: PNG outputs are scaled down,
/// audio outputs get a spectrogram computed with the same converter as <c>audio-to-image</c>.
/// </summary>
internal static class ReportWriter
{
    private const int ThumbnailWidth = 256;
    private const int ThumbnailHeight = 128;

    /// <summary>Audio thumbnails show at most this much of the start of the file.</summary>
    private const double ThumbnailSeconds = 60;

    private static readonly Dictionary<string, string> s_audioTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp3"] = "audio/mpeg",
        [".wav"] = "audio/wav",
        [".ogg"] = "audio/ogg",
        [".oga"] = "audio/ogg",
        [".opus"] = "audio/ogg",
        [".flac"] = "audio/flac",
        [".m4a"] = "audio/mp4",
        [".aac"] = "audio/aac",
    };

    /// <summary>Writes the report of <paramref name="report"/>'s output root; returns the path of report.html.</summary>
    public static string Write(ListeningReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string files = Path.Combine(report.OutputRoot, ListeningReport.FilesFolder);
        if (Directory.Exists(files))
        {
            Directory.Delete(files, recursive: true);
        }

        Directory.CreateDirectory(files);
        var views = new List<OutputView>();
        int index = 0;
        foreach (ReportOutput output in report.Items.SelectMany(i => i.Outputs))
        {
            index++;
            views.Add(View(report.OutputRoot, output, string.Create(CultureInfo.InvariantCulture, $"{ListeningReport.FilesFolder}/{index:D4}.png")));
        }

        string path = Path.Combine(report.OutputRoot, ListeningReport.FileName);
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(ReportHtml.Render(report, views)));
        return path;
    }

    private static OutputView View(string root, ReportOutput output, string thumbnail)
    {
        string file = Path.Combine(root, output.Path.Replace('/', Path.DirectorySeparatorChar));
        string extension = Path.GetExtension(file);
        string? audioType = s_audioTypes.GetValueOrDefault(extension);
        bool isImage = extension.Equals(".png", StringComparison.OrdinalIgnoreCase);
        if (!isImage && audioType is null)
        {
            return new OutputView(output, null, null, [], null);
        }

        if (!File.Exists(file))
        {
            return new OutputView(output, null, audioType, [], $"{output.Path}: the file is missing");
        }

        try
        {
            (SpectrogramImage image, List<KeyValuePair<string, string>> parameters) = isImage ? FromImage(file) : FromAudio(file);
            AtomicFile.WriteAllBytes(Path.Combine(root, thumbnail.Replace('/', Path.DirectorySeparatorChar)), SpectrogramThumbnail.Encode(image, ThumbnailWidth, ThumbnailHeight));
            return new OutputView(output, thumbnail, audioType, parameters, null);
        }
        catch (SpectroFlowException e)
        {
            return new OutputView(output, null, audioType, [], $"no thumbnail: {e.Message}");
        }
        catch (IOException e)
        {
            return new OutputView(output, null, audioType, [], $"no thumbnail: {output.Path}: {e.Message}");
        }
    }

    private static (SpectrogramImage Image, List<KeyValuePair<string, string>> Parameters) FromImage(string file)
    {
        SpectrogramImage image = SpectrogramPng.Read(file);
        SpectrogramParams p = image.Parameters;
        double seconds = (double)p.SamplesFor(image.Width) / p.SampleRate;
        return (image,
        [
            new("size", $"{image.Width}x{image.Height} px"),
            new("duration", Seconds(seconds)),
            new("sample rate", Invariant($"{p.SampleRate} Hz")),
            new("channels", p.Stereo ? "stereo" : "mono"),
            new("step / window / padded", Invariant($"{p.StepSizeMs} / {p.WindowDurationMs} / {p.PaddedDurationMs} ms")),
            new("mel bins", Invariant($"{p.NumFrequencies} ({p.MinFrequency}-{p.MaxFrequency} Hz)")),
            new("power", Invariant($"{p.PowerForImage}")),
            new("scale", p.Scale.ToString()),
        ]);
    }

    /// <summary>Streams the file: the first <see cref="ThumbnailSeconds"/> are kept for the thumbnail, the rest only counted.</summary>
    private static (SpectrogramImage Image, List<KeyValuePair<string, string>> Parameters) FromAudio(string file)
    {
        using AudioStreamReader reader = AudioDecoder.Open(file);
        int keep = (int)(ThumbnailSeconds * reader.SampleRate);
        float[][] head = [.. Enumerable.Range(0, reader.ChannelCount).Select(_ => new float[keep])];
        int kept = 0;
        int read;
        while (kept < keep && (read = reader.Read(head, kept, keep - kept)) > 0)
        {
            kept += read;
        }

        const int Chunk = 65536;
        float[][] rest = [.. Enumerable.Range(0, reader.ChannelCount).Select(_ => new float[Chunk])];
        while (reader.Read(rest, 0, Chunk) > 0)
        {
            // Only the length of the rest is needed.
        }

        if (kept == 0)
        {
            throw new InvalidAudioException($"{file}: no audio in the file");
        }

        var clip = new AudioClip(reader.SampleRate, [.. head.Select(c => c[..kept])], Path.GetFileName(file));
        List<KeyValuePair<string, string>> parameters =
        [
            new("duration", Seconds((double)reader.FramesRead / reader.SampleRate)),
            new("sample rate", Invariant($"{reader.SampleRate} Hz")),
            new("channels", reader.ChannelCount == 1 ? "mono" : reader.ChannelCount == 2 ? "stereo" : Invariant($"{reader.ChannelCount}")),
        ];
        var converter = new SpectrogramConverter(SpectrogramParams.Riffusion with { NumFrequencies = ThumbnailHeight });
        MelSpectrogram mel = converter.ToMel(converter.Conform(clip));
        return (SpectrogramImageMapper.ToImage(mel), parameters);
    }

    private static string Seconds(double seconds) => Invariant($"{seconds:0.00} s");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
