using System.CommandLine;
using System.Globalization;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Diffusion.Pipelines;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// <c>remix IN.(wav|mp3|png) --model DIR --prompt "..." OUT.mp3</c>: Riffusion's audio-to-audio. The song's spectrogram
/// is cut into clips (one image width each) that overlap by the crossfade, each clip is varied with img2img, and the
/// clips are joined back with their overlaps crossfaded and inverted as one phase-continuous track exactly as long as
/// the input.
/// </summary>
internal static class RemixCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Song (wav, mp3, ogg, flac) or a Riffusion spectrogram PNG" };
        var output = new Argument<string>("output") { Description = "OUT.mp3 or OUT.wav" };
        var prompt = new Option<string>("--prompt") { Description = "What the song should become", Required = true };
        var negative = new Option<string>("--negative") { Description = "Negative prompt", DefaultValueFactory = _ => string.Empty };
        var strength = new Option<double>("--strength") { Description = "How much changes, 0-1 (Riffusion's denoising)", DefaultValueFactory = _ => 0.5 };
        var seed = new Option<uint>("--seed") { Description = "Seed of the noise (the same for every clip, as Riffusion)", DefaultValueFactory = _ => 0 };
        var mask = new Option<string?>("--mask") { Description = "Mask PNG: white repaints, black keeps (resized to each clip)" };
        var legacy = new Option<bool>("--legacy-strength") { Description = "Riffusion's legacy strength rule (one more step than diffusers' modern rule)" };
        var crossfade = new Option<int>("--crossfade-ms") { Description = "Overlap crossfaded between consecutive clips", DefaultValueFactory = _ => 200 };
        var shared = new DiffusionArguments();
        var command = new Command("remix", "Vary a song with img2img clip by clip (Riffusion's audio-to-audio), keeping its length")
        {
            input, output, prompt, negative, strength, seed, mask, legacy, crossfade, shared.Guidance,
        };
        shared.AddTo(command, size: false);
        command.Options.Add(shared.Width);
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string inputPath = result.GetRequiredValue(input);
            string outputPath = result.GetRequiredValue(output);
            double strengthValue = result.GetValue(strength);
            if (!(strengthValue >= 0 && strengthValue <= 1))
            {
                throw new UsageException($"--strength: '{strengthValue}' must be between 0 and 1");
            }

            DiffusionSettings settings = shared.Settings(result, height: SpectrogramParams.Riffusion.NumFrequencies);
            int crossfadeColumns = (int)Math.Round(result.GetValue(crossfade) / (double)SpectrogramParams.Riffusion.StepSizeMs);
            if (crossfadeColumns < 0 || crossfadeColumns >= settings.Width / 2)
            {
                throw new UsageException($"--crossfade-ms: '{result.GetValue(crossfade)}' must be from 0 to half a clip");
            }

            DiffusionArguments.CheckOutput(outputPath, allowPng: false, result.GetValue(shared.Bitrate));
            (MelSpectrogram song, int frames) = LoadSong(inputPath, cancellationToken);
            float[]? repaint = result.GetValue(mask) is { } maskPath ? ReadMask(maskPath, settings.Width, settings.Height) : null;
            using StableDiffusionModel model = shared.Load(result, context);
            var pipeline = new StableDiffusionPipeline(model, line => context.Error.WriteLine($"warning: {line}"));
            int step = settings.Width - 1 - crossfadeColumns;
            int clips = song.Frames <= settings.Width ? 1 : 1 + (int)Math.Ceiling((song.Frames - settings.Width) / (double)step);
            var parts = new List<JoinPart>(clips);
            for (int i = 0; i < clips; i++)
            {
                SpectrogramImage clip = SpectrogramImageMapper.ToImage(Window(song, i * step, settings.Width));
                DiffusionResult varied = pipeline.Generate(
                    new DiffusionRequest
                    {
                        Prompt = result.GetRequiredValue(prompt),
                        NegativePrompt = result.GetValue(negative) ?? string.Empty,
                        Seed = result.GetValue(seed),
                        Settings = settings,
                        InitImage = ImageTensors.FromRgb(clip.Rgb, clip.Width, clip.Height),
                        Strength = strengthValue,
                        Rule = result.GetValue(legacy) ? StrengthRule.Legacy : StrengthRule.Modern,
                        RepaintMask = repaint,
                    },
                    new ProgressObserver(context),
                    cancellationToken);
                SpectrogramImage image = varied.ToSpectrogram(clip.Name, song.Parameters, clip.MaxValue);
                double level = clip.MaxValue is > 0 and var max ? max / SpectrogramParams.RiffusionDecodeMaxValue : 0;
                parts.Add(new JoinPart(SpectrogramImageMapper.ToMel(image), string.Create(CultureInfo.InvariantCulture, $"clip {i + 1}"), level));
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clip {i + 1}/{clips} remixed"));
            }

            MelSpectrogram track = JoinedInversion.Join(parts, crossfadeColumns);
            AudioClip audio = JoinedInversion.Invert(
                new SpectrogramConverter(track.Parameters) { MaxDegreeOfParallelism = 0 },
                track,
                shared.InversionOptions(result, result.GetValue(seed), crossfadeColumns),
                Path.GetFileNameWithoutExtension(outputPath),
                cancellationToken);
            context.Out.WriteLine(DiffusionArguments.WriteAudio(FitLength(OutputLevelling.Apply(audio, shared.Inversion.LevellingValue(result)), frames), outputPath, result.GetValue(shared.Bitrate)));
        }));
        return command;
    }

    /// <summary>A grayscale mask PNG (white repaints) at latent resolution for a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    internal static float[] ReadMask(string path, int width, int height)
    {
        SpectrogramImage mask = SpectrogramPng.ReadAnyHeight(path);
        var gray = new byte[mask.Width * mask.Height];
        for (int i = 0; i < gray.Length; i++)
        {
            gray[i] = (byte)(((299 * mask.Rgb[i * 3]) + (587 * mask.Rgb[(i * 3) + 1]) + (114 * mask.Rgb[(i * 3) + 2]) + 500) / 1000);
        }

        return ImageTensors.RepaintMaskFromGray(gray, mask.Width, mask.Height, width / 8, height / 8);
    }

    /// <summary>The song's mel spectrogram and its length in samples (an image of W columns stands for W − 1 hops).</summary>
    private static (MelSpectrogram Mel, int Frames) LoadSong(string path, CancellationToken cancellationToken)
    {
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            SpectrogramImage image = SpectrogramPng.Read(path);
            MelSpectrogram mel = SpectrogramImageMapper.ToMel(image);
            int frames = (mel.Frames - 1) * mel.Parameters.SampleRate * mel.Parameters.StepSizeMs / 1000;
            return (mel, frames);
        }

        var converter = new SpectrogramConverter(SpectrogramParams.Riffusion) { MaxDegreeOfParallelism = 0 };
        AudioClip song = converter.Conform(AudioDecoder.Decode(path));
        return (converter.ToMel(song, cancellationToken), song.Frames);
    }

    /// <summary><paramref name="width"/> columns from <paramref name="start"/>, zero (silence) past the song's end.</summary>
    private static MelSpectrogram Window(MelSpectrogram song, int start, int width)
    {
        var channels = new float[song.ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new float[song.MelBins * width];
            int available = Math.Min(width, song.Frames - start);
            for (int m = 0; m < song.MelBins; m++)
            {
                Array.Copy(song.Channels[c], (m * song.Frames) + start, channels[c], m * width, available);
            }
        }

        return new MelSpectrogram(song.Parameters, song.MelBins, width, channels);
    }

    /// <summary>Cuts or pads (with silence) to exactly <paramref name="frames"/> samples: the input's length.</summary>
    private static AudioClip FitLength(AudioClip audio, int frames)
    {
        if (audio.Frames == frames)
        {
            return audio;
        }

        var channels = new float[audio.ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = new float[frames];
            Array.Copy(audio.Channels[c], channels[c], Math.Min(frames, audio.Frames));
        }

        return new AudioClip(audio.SampleRate, channels, audio.Name);
    }
}
