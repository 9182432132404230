using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Benchmarks;

/// <summary>
/// `phase-quality SOURCES OUT [--configs "random:16,32,64,256:0-4;pghi:16,32,64,256"] [--clip-seconds 5.11] [--per-file 2]`:
/// the reconstruction-quality table of BENCHMARKS.md. Cuts mono clips from every audio file in SOURCES (OUT/clips, the
/// references), makes each clip's Riffusion image exactly as `audio-to-image` does (OUT/images, 8-bit PNG: what a user
/// inverts), inverts every image with every configuration (OUT/recon/LABEL/CLIP.recon.wav, peak-normalised as the peer
/// script writes Riffusion's reconstructions and as the CLI's default levelling does; `--levelling riffusion` would
/// clip peaky music and hide the phase reconstruction behind the clipping)
/// and compares each reconstruction with its clip (metrics.py's "recon": band 0-10 kHz, gain-matched, at lag 0: see
/// docs/decisions/2026-12-05-phase-reconstruction.md). Prints per clip and per configuration figures and writes
/// OUT/results.json; scripts/phase-quality-table.py OUT makes BENCHMARKS.md's tables with metrics.py itself.
/// </summary>
internal static class PhaseQuality
{
    private const string DefaultConfigs = "random:16,32,64,256:0-4;pghi:16,32,64,256";
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: phase-quality SOURCES OUT [--configs SPEC] [--clip-seconds 5.11] [--per-file 2]");
            return 2;
        }

        string sources = args[0];
        string output = args[1];
        string configs = Option(args, "--configs") ?? DefaultConfigs;
        double clipSeconds = double.Parse(Option(args, "--clip-seconds") ?? "5.11", CultureInfo.InvariantCulture);
        int perFile = int.Parse(Option(args, "--per-file") ?? "2", CultureInfo.InvariantCulture);

        var parameters = new SpectrogramParams();
        var converter = new SpectrogramConverter(parameters);
        List<(string Name, AudioClip Clip, MelSpectrogram Mel)> clips = PrepareClips(sources, output, converter, clipSeconds, perFile);
        var results = new List<Dictionary<string, object>>();
        foreach ((string label, PhaseInit phaseInit, int iterations, ulong seed, double momentum) in ParseConfigs(configs))
        {
            string folder = Path.Combine(output, "recon", label);
            Directory.CreateDirectory(folder);
            foreach ((string name, AudioClip clip, MelSpectrogram mel) in clips)
            {
                var options = new InversionOptions { Iterations = iterations, Seed = seed, PhaseInit = phaseInit, Momentum = momentum };
                var watch = Stopwatch.StartNew();
                AudioClip raw = converter.ToAudio(mel, options, name);
                double seconds = watch.Elapsed.TotalSeconds;
                AudioClip normalised = PeakNormalised(raw);
                AudioEncoder.WriteWav(Path.Combine(folder, name + ".recon.wav"), normalised);
                AudioComparison comparison = AudioQualityMetrics.Compare(clip, normalised, maxLagMs: 0);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{label,-18} {name,-48} SC {comparison.BandSpectralConvergenceGainMatched:0.0000}  LSD {comparison.BandLogSpectralDistanceDbGainMatched:0.00} dB  {seconds:0.000} s"));
                results.Add(new Dictionary<string, object>
                {
                    ["config"] = label,
                    ["phase_init"] = phaseInit.ToString().ToLowerInvariant(),
                    ["iterations"] = iterations,
                    ["seed"] = seed,
                    ["clip"] = name,
                    ["sc"] = comparison.BandSpectralConvergenceGainMatched,
                    ["lsd_db"] = comparison.BandLogSpectralDistanceDbGainMatched,
                    ["seconds"] = seconds,
                });
            }
        }

        File.WriteAllText(Path.Combine(output, "results.json"), JsonSerializer.Serialize(results, s_indented));
        return 0;
    }

    private static AudioClip PeakNormalised(AudioClip clip)
    {
        float peak = 0f;
        foreach (float[] channel in clip.Channels)
        {
            foreach (float v in channel)
            {
                peak = Math.Max(peak, Math.Abs(v));
            }
        }

        float gain = peak > 0f ? 32767f / 32768f / peak : 0f;
        var channels = new float[clip.ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new float[clip.Frames];
            for (int i = 0; i < clip.Frames; i++)
            {
                channels[c][i] = clip.Channels[c][i] * gain;
            }
        }

        return new AudioClip(clip.SampleRate, channels, clip.Name);
    }

    private static List<(string, AudioClip, MelSpectrogram)> PrepareClips(string sources, string output, SpectrogramConverter converter, double clipSeconds, int perFile)
    {
        string clipFolder = Path.Combine(output, "clips");
        string imageFolder = Path.Combine(output, "images");
        Directory.CreateDirectory(clipFolder);
        Directory.CreateDirectory(imageFolder);
        var clips = new List<(string, AudioClip, MelSpectrogram)>();
        string[] files = Directory.GetFiles(sources);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (string file in files)
        {
            string extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is not (".wav" or ".mp3" or ".ogg"))
            {
                continue;
            }

            AudioClip song = converter.Conform(AudioDecoder.Decode(file));
            int length = (int)Math.Round(clipSeconds * song.SampleRate);
            string stem = Path.GetFileNameWithoutExtension(file).Replace(".hq", string.Empty, StringComparison.Ordinal);
            // A file shorter than two clips is one clip, whole (Riffusion's own 5.678 s test clip).
            bool whole = song.Frames < 2 * length;
            length = whole ? song.Frames : length;
            int count = whole ? 1 : perFile;
            for (int i = 0; i < count; i++)
            {
                // Clips at 1/(count+1), 2/(count+1), ... of the song: away from intros and fade-outs.
                int start = whole ? 0 : (int)((long)(song.Frames - length) * (i + 1) / (count + 1));
                int frames = Math.Min(length, song.Frames - start);
                AudioClip clip = new(song.SampleRate, [song.Channels[0].AsSpan(start, frames).ToArray()], stem);
                string name = count == 1 ? stem : string.Create(CultureInfo.InvariantCulture, $"{stem}_{i + 1}");
                AudioEncoder.WriteWav(Path.Combine(clipFolder, name + ".wav"), clip);

                // What a user inverts: the 8-bit image of the 16-bit clip.
                AudioClip stored = AudioDecoder.Decode(Path.Combine(clipFolder, name + ".wav"));
                SpectrogramImage image = SpectrogramImageMapper.ToImage(converter.ToMel(stored));
                byte[] png = SpectrogramPng.Encode(image);
                File.WriteAllBytes(Path.Combine(imageFolder, name + ".png"), png);
                using var stream = new MemoryStream(png);
                MelSpectrogram mel = SpectrogramImageMapper.ToMel(SpectrogramPng.Read(stream, name));
                clips.Add((name, stored, mel));
            }
        }

        return clips;
    }

    private static IEnumerable<(string Label, PhaseInit PhaseInit, int Iterations, ulong Seed, double Momentum)> ParseConfigs(string spec)
    {
        foreach (string part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] fields = part.Split(':');
            PhaseInit phaseInit = Enum.Parse<PhaseInit>(fields[0], ignoreCase: true);
            ulong[] seeds = [0];
            double momentum = fields.Length > 3 ? double.Parse(fields[3], CultureInfo.InvariantCulture) : 0.99;
            string suffix = fields.Length > 3 ? "-m" + fields[3] : string.Empty;
            if (fields.Length > 2 && fields[2].Length > 0)
            {
                string[] range = fields[2].Split('-');
                ulong first = ulong.Parse(range[0], CultureInfo.InvariantCulture);
                ulong last = ulong.Parse(range[^1], CultureInfo.InvariantCulture);
                seeds = [.. Enumerable.Range(0, (int)(last - first + 1)).Select(i => first + (ulong)i)];
            }

            foreach (string iterations in fields[1].Split(','))
            {
                foreach (ulong seed in seeds)
                {
                    string label = phaseInit == PhaseInit.Random
                        ? string.Create(CultureInfo.InvariantCulture, $"{fields[0]}-{iterations}-s{seed}{suffix}")
                        : string.Create(CultureInfo.InvariantCulture, $"{fields[0]}-{iterations}{suffix}");
                    yield return (label, phaseInit, int.Parse(iterations, CultureInfo.InvariantCulture), seed, momentum);
                }
            }
        }
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
