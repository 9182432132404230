using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Writes <see cref="AudioClip"/>s as WAV (always available), MP3 (needs libmp3lame.so.0), FLAC or Ogg Vorbis (need the
/// ffmpeg executable). Every file is written through <see cref="AtomicFile"/>: a failed write leaves neither a partial
/// output nor a temporary file behind.
/// </summary>
public static class AudioEncoder
{
    /// <summary>The default MP3 bitrate in kbit/s.</summary>
    public const int DefaultMp3BitrateKbps = 192;

    /// <summary>The file extensions <see cref="Write"/> understands.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".wav", ".mp3", ".flac", ".ogg"];

    /// <summary>
    /// The constant bitrates (kbit/s) of MPEG-1 Layer III, the MP3 of 32, 44.1 and 48 kHz audio. Any other value would be
    /// changed by LAME (to the nearest valid rate, or with the audio resampled), so it is refused.
    /// </summary>
    public static IReadOnlyList<int> Mp3Bitrates { get; } = [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];

    /// <summary>The constant bitrates (kbit/s) of MPEG-2/2.5 Layer III, the MP3 of 8 to 24 kHz audio.</summary>
    public static IReadOnlyList<int> Mp3LowRateBitrates { get; } = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>
    /// The bitrates an MP3 of <paramref name="sampleRate"/> audio can have: <see cref="Mp3Bitrates"/> at 32, 44.1 and 48 kHz,
    /// <see cref="Mp3LowRateBitrates"/> at 8, 11.025, 12, 16, 22.05 and 24 kHz, none at other rates (MP3 cannot hold them).
    /// </summary>
    /// <param name="sampleRate">The audio's sample rate in Hz.</param>
    /// <returns>The legal bitrates in kbit/s, ascending; empty when MP3 has no such sample rate.</returns>
    public static IReadOnlyList<int> Mp3BitratesFor(int sampleRate) => sampleRate switch
    {
        32000 or 44100 or 48000 => Mp3Bitrates,
        8000 or 11025 or 12000 or 16000 or 22050 or 24000 => Mp3LowRateBitrates,
        _ => [],
    };

    /// <summary>Writes <paramref name="clip"/> to <paramref name="path"/> in the format its extension names (.wav, .mp3, .flac or .ogg).</summary>
    /// <param name="path">The output file; its extension (case-insensitive) picks the format.</param>
    /// <param name="clip">The audio to write.</param>
    /// <param name="options">Format settings; <see langword="null"/> for <see cref="AudioWriteOptions.Default"/>.</param>
    /// <exception cref="SpectroFlowException">The extension is not one of <see cref="SupportedExtensions"/>, or encoding failed.</exception>
    /// <exception cref="NativeLibraryMissingException">MP3 output was asked for and libmp3lame.so.0 is not installed.</exception>
    /// <exception cref="SpectroFlowException">FLAC or Ogg output was asked for and ffmpeg is not installed.</exception>
    public static void Write(string path, AudioClip clip, AudioWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clip);
        options ??= AudioWriteOptions.Default;
        string extension = Path.GetExtension(path);
        if (extension.Equals(".wav", StringComparison.OrdinalIgnoreCase))
        {
            WriteWav(path, clip, options.WavFormat);
        }
        else if (extension.Equals(".mp3", StringComparison.OrdinalIgnoreCase))
        {
            WriteMp3(path, clip, options.Mp3BitrateKbps);
        }
        else if (FfmpegEncoder.TryGetFormat(extension, out _))
        {
            byte[] encoded = FfmpegEncoder.Encode(clip, extension, path, options.FfmpegPath);
            WriteAtomically(path, stream => stream.Write(encoded));
        }
        else
        {
            string given = extension.Length > 0 ? $"'{extension}'" : "no extension";
            throw new SpectroFlowException(
                $"Cannot write '{path}': unsupported audio output format ({given}); supported: {string.Join(", ", SupportedExtensions)}");
        }
    }

    /// <summary>
    /// Checks before any expensive work that <see cref="Write"/> can produce <paramref name="path"/>: a supported
    /// extension, a legal MP3 bitrate, and libmp3lame present for .mp3.
    /// </summary>
    /// <exception cref="SpectroFlowException">One line naming the file and the problem.</exception>
    public static void EnsureWritable(string path, AudioWriteOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= AudioWriteOptions.Default;
        string extension = Path.GetExtension(path);
        if (extension.Equals(".mp3", StringComparison.OrdinalIgnoreCase))
        {
            if (!((IList<int>)Mp3Bitrates).Contains(options.Mp3BitrateKbps))
            {
                throw new SpectroFlowException(
                    $"Cannot write '{path}': {options.Mp3BitrateKbps} kbit/s is not an MP3 bitrate; use one of {string.Join(", ", Mp3Bitrates)}");
            }

            _ = LameLibrary.Default;
        }
        else if (FfmpegEncoder.TryGetFormat(extension, out string formatName))
        {
            if (FfmpegDecoder.Locate(options.FfmpegPath) is null)
            {
                throw FfmpegEncoder.Missing(path, formatName);
            }
        }
        else if (!extension.Equals(".wav", StringComparison.OrdinalIgnoreCase))
        {
            string given = extension.Length > 0 ? $"'{extension}'" : "no extension";
            throw new SpectroFlowException(
                $"Cannot write '{path}': unsupported audio output format ({given}); supported: {string.Join(", ", SupportedExtensions)}");
        }
    }

    /// <summary>Writes <paramref name="clip"/> as a WAV file (atomically).</summary>
    /// <param name="path">The output file.</param>
    /// <param name="clip">The audio to write; any channel count and sample rate.</param>
    /// <param name="format">The sample encoding; see <see cref="WavSampleFormat"/> for rounding and saturation.</param>
    public static void WriteWav(string path, AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clip);
        WriteAtomically(path, stream => WavWriter.Write(stream, clip, format));
    }

    /// <summary>Writes <paramref name="clip"/> as WAV to <paramref name="stream"/> (from its current position).</summary>
    /// <param name="stream">A writable stream; not disposed.</param>
    /// <param name="clip">The audio to write.</param>
    /// <param name="format">The sample encoding.</param>
    public static void WriteWav(Stream stream, AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(clip);
        WavWriter.Write(stream, clip, format);
    }

    /// <summary>Returns <paramref name="clip"/> encoded as a complete WAV file in memory.</summary>
    /// <param name="clip">The audio to encode.</param>
    /// <param name="format">The sample encoding.</param>
    /// <returns>The bytes of the WAV file.</returns>
    public static byte[] EncodeWav(AudioClip clip, WavSampleFormat format = WavSampleFormat.Pcm16)
    {
        ArgumentNullException.ThrowIfNull(clip);
        using var stream = new MemoryStream();
        WavWriter.Write(stream, clip, format);
        return stream.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="clip"/> as a constant-bitrate MP3 file (atomically) with libmp3lame. Mono stays mono;
    /// clips with more than two channels are reduced to their first two (<see cref="ChannelMixer.ToStereo"/>). The
    /// file starts with a LAME Info tag, so gapless-aware decoders can remove the encoder delay and padding.
    /// </summary>
    /// <param name="path">The output file.</param>
    /// <param name="clip">The audio to write.</param>
    /// <param name="bitrateKbps">One of <see cref="Mp3Bitrates"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bitrateKbps"/> is not a legal MP3 bitrate.</exception>
    /// <exception cref="NativeLibraryMissingException">libmp3lame.so.0 is not installed.</exception>
    /// <exception cref="SpectroFlowException">LAME rejected the settings or failed.</exception>
    public static void WriteMp3(string path, AudioClip clip, int bitrateKbps = DefaultMp3BitrateKbps)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(clip);
        ValidateBitrate(bitrateKbps, clip);
        LameLibrary lame = LameLibrary.Default;
        WriteAtomically(path, stream => Mp3Encoder.Encode(lame, stream, clip, bitrateKbps));
    }

    /// <summary>Returns <paramref name="clip"/> encoded as a complete MP3 file in memory (see <see cref="WriteMp3(string, AudioClip, int)"/>).</summary>
    /// <param name="clip">The audio to encode.</param>
    /// <param name="bitrateKbps">One of <see cref="Mp3Bitrates"/>.</param>
    /// <returns>The bytes of the MP3 file.</returns>
    public static byte[] EncodeMp3(AudioClip clip, int bitrateKbps = DefaultMp3BitrateKbps)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ValidateBitrate(bitrateKbps, clip);
        LameLibrary lame = LameLibrary.Default;
        using var stream = new MemoryStream();
        Mp3Encoder.Encode(lame, stream, clip, bitrateKbps);
        return stream.ToArray();
    }

    /// <summary>
    /// Returns <paramref name="clip"/> as a complete FLAC file (16-bit, so its samples are exactly those of
    /// <see cref="EncodeWav"/> with <see cref="WavSampleFormat.Pcm16"/>), encoded by ffmpeg.
    /// </summary>
    /// <param name="clip">The audio to encode (at most 8 channels).</param>
    /// <param name="ffmpegPath">The ffmpeg executable; <see langword="null"/> searches the PATH.</param>
    /// <returns>The bytes of the FLAC file.</returns>
    /// <exception cref="SpectroFlowException">ffmpeg is not installed or failed.</exception>
    public static byte[] EncodeFlac(AudioClip clip, string? ffmpegPath = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return FfmpegEncoder.Encode(clip, ".flac", clip.Name, ffmpegPath);
    }

    /// <summary>
    /// Returns <paramref name="clip"/> as a complete Ogg Vorbis file (libvorbis quality
    /// <see cref="FfmpegEncoder.VorbisQuality"/>, about 192 kbit/s for stereo 44.1 kHz), encoded by ffmpeg.
    /// </summary>
    /// <param name="clip">The audio to encode (at most 8 channels).</param>
    /// <param name="ffmpegPath">The ffmpeg executable; <see langword="null"/> searches the PATH.</param>
    /// <returns>The bytes of the Ogg file.</returns>
    /// <exception cref="SpectroFlowException">ffmpeg is not installed or failed.</exception>
    public static byte[] EncodeOggVorbis(AudioClip clip, string? ffmpegPath = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return FfmpegEncoder.Encode(clip, ".ogg", clip.Name, ffmpegPath);
    }

    /// <summary>The single path by which every file output is written; see <see cref="AtomicFile.Write"/>.</summary>
    internal static void WriteAtomically(string path, Action<Stream> encode) => AtomicFile.Write(path, encode);

    private static void ValidateBitrate(int bitrateKbps, AudioClip clip)
    {
        IReadOnlyList<int> legal = Mp3BitratesFor(clip.SampleRate);
        if (legal.Count == 0)
        {
            // LAME would resample it; the file's rate would not be the clip's.
            throw new SpectroFlowException(
                $"Cannot encode '{clip.Name}' as MP3: {clip.SampleRate} Hz is not an MP3 sample rate (32, 44.1 or 48 kHz, or 8 to 24 kHz); resample it first or write WAV");
        }

        if (!((IList<int>)legal).Contains(bitrateKbps))
        {
            string kind = ReferenceEquals(legal, Mp3Bitrates) ? "an MP3" : $"an MP3 ({clip.SampleRate} Hz)";
            throw new ArgumentOutOfRangeException(
                nameof(bitrateKbps),
                bitrateKbps,
                $"{bitrateKbps} kbit/s is not {kind} bitrate; use one of {string.Join(", ", legal)}.");
        }
    }
}
