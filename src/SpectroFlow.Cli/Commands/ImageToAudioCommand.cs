using System.CommandLine;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>image-to-audio IN.png OUT.(wav|mp3)</c>: inverse mel + Griffin-Lim, levelled like Riffusion.</summary>
internal static class ImageToAudioCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Spectrogram image (PNG/JPEG; parameters from its EXIF, else the preset)" };
        var output = new Argument<string>("output") { Description = "Output audio: .wav, .mp3, .flac or .ogg (flac and ogg through ffmpeg)" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of Griffin-Lim's random initial phases", DefaultValueFactory = _ => 0 };
        var raw = new Option<bool>("--raw") { Description = "No output levelling (Riffusion normalises peak, RMS to -12 dBFS, then peak to -0.1 dBFS)" };
        var bitrate = new Option<int>("--bitrate") { Description = "MP3 bitrate in kbit/s", DefaultValueFactory = _ => 192 };
        var floatWav = new Option<bool>("--float") { Description = "Write 32-bit float WAV instead of 16-bit PCM" };
        var parameters = new SpectrogramOptions();
        var command = new Command("image-to-audio", "Convert a spectrogram image back into audio") { input, output, seed, raw, bitrate, floatWav };
        parameters.AddTo(command, includeIterations: true);
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string inputPath = result.GetRequiredValue(input);
            string outputPath = result.GetRequiredValue(output);
            var writeOptions = new AudioWriteOptions
            {
                Mp3BitrateKbps = result.GetValue(bitrate),
                WavFormat = result.GetValue(floatWav) ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16,
            };
            AudioEncoder.EnsureWritable(outputPath, writeOptions);
            SpectrogramParams fallback = parameters.Apply(result, parameters.PresetParams(result));
            SpectrogramImage image = SpectrogramPng.Read(inputPath, fallback);
            if (parameters.AnyFieldGiven(result))
            {
                image = image.WithParameters(parameters.Apply(result, image.Parameters));
            }

            MelSpectrogram mel = SpectrogramImageMapper.ToMel(image);
            var inversion = new InversionOptions
            {
                Iterations = result.GetValue(parameters.Iterations),
                Seed = result.GetValue(seed),
            };
            AudioClip audio = SpectrogramConverter.For(image.Parameters).ToAudio(mel, inversion, inputPath, cancellationToken);
            if (!result.GetValue(raw) && image.Parameters.Scale == IntensityScale.PerImageMax)
            {
                audio = OutputLevelling.Apply(audio);
            }

            AudioEncoder.Write(outputPath, audio, writeOptions);
            context.Out.WriteLine($"{outputPath}: {audio.DurationSeconds:0.000} s, {audio.ChannelCount} ch, {audio.SampleRate} Hz");
        }));
        return command;
    }
}
