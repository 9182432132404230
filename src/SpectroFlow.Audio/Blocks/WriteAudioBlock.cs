using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Audio file format written by <see cref="WriteAudioBlock"/>.</summary>
public enum AudioFileFormat
{
    /// <summary>RIFF WAVE (.wav).</summary>
    Wav,

    /// <summary>MPEG layer III (.mp3, needs libmp3lame).</summary>
    Mp3,

    /// <summary>FLAC, 16-bit lossless (.flac, encoded by ffmpeg).</summary>
    Flac,

    /// <summary>Ogg Vorbis (.ogg, encoded by ffmpeg).</summary>
    Ogg,
}

/// <summary>Options of <see cref="WriteAudioBlock"/>.</summary>
public sealed class WriteAudioOptions : FileOutputOptions
{
    /// <summary>File format.</summary>
    [Description("wav, mp3, flac or ogg (flac and ogg need ffmpeg).")]
    public AudioFileFormat Format { get; init; } = AudioFileFormat.Wav;

    /// <summary>MP3 bitrate in kbit/s.</summary>
    [Range(32, 320)]
    [Description("MP3 bitrate in kbit/s: 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256 or 320 (MPEG-1 Layer III).")]
    public int Bitrate { get; init; } = AudioEncoder.DefaultMp3BitrateKbps;

    /// <summary>32-bit float WAV instead of 16-bit PCM.</summary>
    [Description("Write 32-bit float WAV instead of 16-bit PCM.")]
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The recipe key is 'float'.")]
    public bool Float { get; init; }

    /// <inheritdoc/>
    public override void Validate(ValidationErrors errors)
    {
        base.Validate(errors);
        if (!AudioEncoder.Mp3Bitrates.Contains(Bitrate))
        {
            errors.Add("bitrate", $"bitrate {Bitrate} is not one of {string.Join(", ", AudioEncoder.Mp3Bitrates)}");
        }

        if (Float && Format != AudioFileFormat.Wav)
        {
            errors.Add("float", "float applies to wav only");
        }
    }
}

/// <summary><c>write-audio</c>: writes each clip atomically under the output root and reports the file and its SHA-256.</summary>
public sealed class WriteAudioBlock(WriteAudioOptions options) : IBlock<AudioClip, WrittenFile>
{
    /// <inheritdoc/>
    public ValueTask<WrittenFile> ProcessAsync(AudioClip input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] bytes = options.Format switch
        {
            AudioFileFormat.Mp3 => AudioEncoder.EncodeMp3(input, options.Bitrate),
            AudioFileFormat.Flac => AudioEncoder.EncodeFlac(input),
            AudioFileFormat.Ogg => AudioEncoder.EncodeOggVorbis(input),
            _ => AudioEncoder.EncodeWav(input, options.Float ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16),
        };
        cancellationToken.ThrowIfCancellationRequested();
        string extension = options.Format switch
        {
            AudioFileFormat.Mp3 => ".mp3",
            AudioFileFormat.Flac => ".flac",
            AudioFileFormat.Ogg => ".ogg",
            _ => ".wav",
        };
        WrittenFile file = OutputNaming.Publish(context.Run, options.Folder, options.Name, extension, context.Item, bytes);
        return ValueTask.FromResult(file);
    }
}
