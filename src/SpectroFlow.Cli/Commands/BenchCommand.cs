using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>bench DIR</c>: side-by-side timings of both conversion directions against the torchaudio peer
/// (../shared/tools/peer_riffusion_torch.py) on the same clips in the same run, and against the FFT floor.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var folder = new Argument<string>("folder") { Description = "Folder of 44.1 kHz WAV clips" };
        var runs = new Option<int>("--runs") { Description = "Repetitions per measurement (median is reported)", DefaultValueFactory = _ => 3 };
        var peer = new Option<string?>("--peer") { Description = "Path of peer_riffusion_torch.py (omit to skip the peer)" };
        var python = new Option<string>("--python") { Description = "Python interpreter for the peer", DefaultValueFactory = _ => "/usr/bin/python3" };
        var command = new Command("bench", "Time audio<->image against the torchaudio peer and the FFT floor") { folder, runs, peer, python };
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string directory = result.GetRequiredValue(folder);
            string[] clips = Directory.Exists(directory)
                ? [.. Directory.GetFiles(directory, "*.wav").Order(StringComparer.Ordinal)]
                : throw new UsageException($"{directory}: no such folder");
            if (clips.Length == 0)
            {
                throw new UsageException($"{directory}: contains no .wav files");
            }

            int repetitions = Math.Max(1, result.GetValue(runs));
            string scratch = Directory.CreateTempSubdirectory("spectroflow-bench-").FullName;
            try
            {
                Run(context, clips, repetitions, result.GetValue(peer), result.GetRequiredValue(python), scratch, cancellationToken);
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }));
        return command;
    }

    private static void Run(CliContext context, string[] clips, int runs, string? peerScript, string python, string scratch, CancellationToken cancellationToken)
    {
        SpectrogramParams p = SpectrogramParams.Riffusion;
        SpectrogramConverter converter = new SpectrogramConverter(p);
        double fftSeconds = FftFloor.SecondsPerTransform(p.FftSize, 2000);

        TextWriter o = context.Out;
        o.WriteLine($"spectroflow bench: {clips.Length} clip(s), {runs} run(s), {Environment.ProcessorCount} cores, FFTW={FftFloor.NativeFftAvailable}, " +
            $"one 17640-point real FFT = {fftSeconds * 1e6:0.0} us");
        var ours = new Dictionary<string, (double AudioToImage, double ImageToAudio, int Frames)>();
        string warmUpPng = Path.Combine(scratch, "warm-up.png");
        for (int i = 0; i < 5; i++)
        {
            AudioToImage(clips[0], warmUpPng);
        }

        ImageToAudio(warmUpPng, Path.Combine(scratch, "warm-up.wav"));
        foreach (string clip in clips)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string png = Path.Combine(scratch, Path.GetFileNameWithoutExtension(clip) + ".png");
            string wav = Path.Combine(scratch, Path.GetFileNameWithoutExtension(clip) + ".recon.wav");
            int frames = 0;
            double a2i = Median(runs, () => frames = AudioToImage(clip, png));
            double i2a = Median(runs, () => ImageToAudio(png, wav));
            ours[Path.GetFileName(clip)] = (a2i, i2a, frames);
        }

        // What the peer's bench times: read the WAV, mono mix, mel, image, write PNG; read PNG, invert, write WAV.
        int AudioToImage(string wavPath, string pngPath, SpectrogramConverter? with = null)
        {
            AudioClip audio = ChannelMixer.ToMono(Resampler.Resample(AudioDecoder.Decode(wavPath), p.SampleRate));
            SpectrogramImage image = SpectrogramImageMapper.ToImage((with ?? converter).ToMel(audio, cancellationToken));
            SpectrogramPng.Write(pngPath, image);
            return image.Width;
        }

        void ImageToAudio(string pngPath, string wavPath)
        {
            SpectrogramImage image = SpectrogramPng.Read(pngPath);
            AudioClip audio = converter.ToAudio(SpectrogramImageMapper.ToMel(image), cancellationToken: cancellationToken);
            AudioEncoder.Write(wavPath, OutputLevelling.ApplyRiffusion(audio));
        }

        double oneShot = Median(runs, () => RunProcess(Environment.ProcessPath!, ["audio-to-image", clips[0], Path.Combine(scratch, "oneshot.png")]));
        double folderSeconds = Median(1, () =>
        {
            SpectrogramConverter serial = new(p) { MaxDegreeOfParallelism = 1 };
            Parallel.ForEach(clips, new ParallelOptions { CancellationToken = cancellationToken }, clip =>
                AudioToImage(clip, Path.Combine(scratch, "folder-" + Path.GetFileNameWithoutExtension(clip) + ".png"), serial));
        });

        Dictionary<string, (double AudioToImage, double ImageToAudio)>? peer = null;
        double peerOneShot = double.NaN;
        if (peerScript is not null)
        {
            peer = RunPeer(python, peerScript, Path.GetDirectoryName(Path.GetFullPath(clips[0]))!, runs);
            peerOneShot = Median(runs, () => RunProcess(python, [peerScript, "to-image", clips[0], Path.Combine(scratch, "peer-oneshot.png")]));
        }

        o.WriteLine();
        o.WriteLine("| clip | frames | audio->image ms | peer ms | speed-up | FFT floor ms | x floor | image->audio ms | peer ms | speed-up | FFT floor ms | x floor |");
        o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string name, (double a2i, double i2a, int frames)) in ours)
        {
            double floorA2I = frames * fftSeconds;
            double floorI2A = 2.0 * p.GriffinLimIterations * frames * fftSeconds;
            (double peerA2I, double peerI2A) = peer is not null && peer.TryGetValue(name, out var pv) ? pv : (double.NaN, double.NaN);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {frames} | {a2i * 1e3:0.0} | {peerA2I * 1e3:0.0} | {peerA2I / a2i:0.0}x | {floorA2I * 1e3:0.0} | {a2i / floorA2I:0.00} | " +
                $"{i2a * 1e3:0.0} | {peerI2A * 1e3:0.0} | {peerI2A / i2a:0.0}x | {floorI2A * 1e3:0.0} | {i2a / floorI2A:0.00} |"));
        }

        o.WriteLine();
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one-shot audio-to-image (process start included): {oneShot * 1e3:0} ms; peer {peerOneShot * 1e3:0} ms; speed-up {peerOneShot / oneShot:0.0}x"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"folder, all cores busy (one clip per core): {clips.Length} clips in {folderSeconds * 1e3:0} ms = {folderSeconds * 1e3 / clips.Length:0.0} ms per clip"));
        o.WriteLine("FFT floors are single-thread sums of FFT time; 'x floor' compares wall time on all cores with them.");
    }

    private static Dictionary<string, (double, double)> RunPeer(string python, string script, string folder, int runs)
    {
        string json = RunProcessOutput(python, [script, "bench", folder, "--runs", runs.ToString(CultureInfo.InvariantCulture), "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)]);
        using JsonDocument document = JsonDocument.Parse(json);
        var result = new Dictionary<string, (double, double)>();
        foreach (JsonProperty clip in document.RootElement.GetProperty("clips").EnumerateObject())
        {
            result[clip.Name] = (clip.Value.GetProperty("audio_to_image_s").GetDouble(), clip.Value.GetProperty("image_to_audio_s").GetDouble());
        }

        return result;
    }

    private static double Median(int runs, Action action)
    {
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    private static void RunProcess(string fileName, string[] arguments) => RunProcessOutput(fileName, arguments);

    private static string RunProcessOutput(string fileName, string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result.Trim()}");
        }

        return output;
    }
}
