using System.CommandLine;
using SpectroFlow.Audio.Clips;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>audio-to-image IN OUT</c>: one spectrogram PNG, or a folder of numbered PNGs with --clip-ms.</summary>
internal static class AudioToImageCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file (WAV, MP3, OGG; FLAC and more with ffmpeg)" };
        var output = new Argument<string>("output") { Description = "Output PNG, or a folder with --clip-ms" };
        var clipMs = new Option<int?>("--clip-ms") { Description = "Slice into clips of this many ms (5119 ms = 512 px); OUTPUT is then a folder" };
        var last = new Option<string>("--last")
        {
            Description = "With --clip-ms: pad the last partial clip with silence, or drop it",
            DefaultValueFactory = _ => "pad",
        };
        last.AcceptOnlyFromAmong("pad", "drop");
        var nativeRate = new Option<bool>("--native-rate") { Description = "Keep the file's sample rate (recorded in EXIF) instead of resampling" };
        var parameters = new SpectrogramOptions();
        var command = new Command("audio-to-image", "Convert audio into Riffusion-format spectrogram image(s)") { input, output, clipMs, last, nativeRate };
        parameters.AddTo(command, includeIterations: false);
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            SpectrogramParams p = parameters.Apply(result, parameters.PresetParams(result));
            string inputPath = result.GetRequiredValue(input);
            string outputPath = result.GetRequiredValue(output);
            int? clip = result.GetValue(clipMs);
            if (clip is <= 0 or > 3_600_000)
            {
                throw new UsageException($"--clip-ms {clip} is outside 1..3600000");
            }

            bool keepRate = result.GetValue(nativeRate) && p.Scale == IntensityScale.PerImageMax;
            var decoding = new AudioDecodeOptions
            {
                Warning = problem => context.Logger.Warning("{File}: {Problem}", inputPath, problem),
                CancellationToken = cancellationToken,
            };
            if (clip is null)
            {
                AudioClip audio = AudioDecoder.Decode(inputPath, decoding);
                p = keepRate ? WithSampleRate(p, audio.SampleRate, inputPath) : p;
                SpectrogramImage image = ToImage(audio.WithName(inputPath), p, cancellationToken);
                SpectrogramPng.Write(outputPath, image);
                context.Out.WriteLine($"{outputPath}: {image.Width}x{image.Height}");
                return;
            }

            // Clips are cut while the file streams, so a long file never sits in memory whole.
            using AudioStreamReader reader = AudioDecoder.Open(inputPath, decoding);
            p = keepRate ? WithSampleRate(p, reader.SampleRate, inputPath) : p;
            LastClipPolicy policy = result.GetValue(last) == "drop" ? LastClipPolicy.Drop : LastClipPolicy.Pad;
            Directory.CreateDirectory(outputPath);
            int written = 0;
            foreach (AudioClip piece in ClipSlicer.Slice(reader, clip.Value, policy, Path.GetFileNameWithoutExtension(inputPath)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                SpectrogramPng.Write(Path.Combine(outputPath, piece.Name + ".png"), ToImage(piece, p, cancellationToken));
                written++;
            }

            context.Out.WriteLine($"{outputPath}: {written} image(s)");
        }));
        return command;
    }

    /// <summary>The image of <paramref name="audio"/>, resampled and mixed to the parameters first (as the mel block does).</summary>
    private static SpectrogramImage ToImage(AudioClip audio, SpectrogramParams p, CancellationToken cancellationToken)
    {
        SpectrogramConverter converter = SpectrogramConverter.For(p);
        return SpectrogramImageMapper.ToImage(converter.ToMel(converter.Conform(audio), cancellationToken));
    }

    private static SpectrogramParams WithSampleRate(SpectrogramParams p, int sampleRate, string inputPath)
    {
        SpectrogramParams native = p with { SampleRate = sampleRate };
        IReadOnlyList<SpectrogramProblem> problems = native.Validate();
        return problems.Count == 0
            ? native
            : throw new UsageException($"{inputPath}: its sample rate {sampleRate} Hz does not fit the parameters: {SpectrogramProblem.Join(problems)}");
    }
}
