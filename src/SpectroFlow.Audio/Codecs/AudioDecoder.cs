using System.Text;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decodes audio files to <see cref="AudioClip"/>s, recognising the format by its content (never by the file name):
/// WAV/RF64 (PCM 8/16/24/32-bit, float 32/64-bit, WAVE_FORMAT_EXTENSIBLE) and MP3 and Ogg Vorbis are decoded in
/// process; FLAC and other formats (Opus, AAC, AIFF, ...) go through the ffmpeg executable when it is installed.
/// </summary>
/// <remarks>
/// Every problem with the input (missing, empty, truncated or corrupt file, unsupported codec, a file that would
/// decode to more than <see cref="AudioDecodeOptions.MaxSamples"/>) is reported as one
/// <see cref="InvalidAudioException"/> whose message names the file and the problem. A WAV data chunk that is cut
/// short is decoded up to the last whole frame present; a truncated header is an error.
/// </remarks>
public static class AudioDecoder
{
    private const int SniffLength = 64;

    /// <summary>Decodes the audio file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Limits and the ffmpeg location; <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>The decoded samples, named after <paramref name="path"/>.</returns>
    /// <exception cref="InvalidAudioException">The file is missing, unreadable, not audio, corrupt or too large.</exception>
    public static AudioClip Decode(string path, AudioDecodeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= AudioDecodeOptions.Default;
        if (Directory.Exists(path))
        {
            throw DecodeFailure.Create(path, "it is a directory, not an audio file");
        }

        if (!File.Exists(path))
        {
            throw DecodeFailure.Create(path, "the file does not exist");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw DecodeFailure.Create(path, $"the file cannot be read: {ex.Message}", ex);
        }

        using (stream)
        {
            return DecodeSeekable(stream, path, path, options);
        }
    }

    /// <summary>Decodes audio from <paramref name="stream"/> (read from its start if seekable; not disposed).</summary>
    /// <param name="stream">The encoded audio. Non-seekable streams are buffered in memory first.</param>
    /// <param name="name">The name used in messages and as the clip's name, typically the original file name.</param>
    /// <param name="options">Limits and the ffmpeg location; <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>The decoded samples, named <paramref name="name"/>.</returns>
    /// <exception cref="InvalidAudioException">The content is not audio, corrupt, unsupported or too large.</exception>
    public static AudioClip Decode(Stream stream, string name, AudioDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        options ??= AudioDecodeOptions.Default;
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream must be readable.", nameof(stream));
        }

        if (stream.CanSeek)
        {
            stream.Position = 0;
            return DecodeSeekable(stream, name, null, options);
        }

        using MemoryStream buffered = BufferInMemory(stream, name);
        return DecodeSeekable(buffered, name, null, options);
    }

    private static AudioClip DecodeSeekable(Stream stream, string name, string? filePath, AudioDecodeOptions options)
    {
        try
        {
            return DecodeByContent(stream, name, filePath, options);
        }
        catch (InvalidAudioException)
        {
            throw;
        }
        catch (OutOfMemoryException ex)
        {
            throw DecodeFailure.Create(name, "there is not enough memory to decode it; lower AudioDecodeOptions.MaxSamples or cut the file", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // NLayer, NVorbis and stream errors: the file is corrupt in a way the sniffing did not catch.
            throw DecodeFailure.Create(name, $"the audio data is corrupt or unsupported ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static AudioClip DecodeByContent(Stream stream, string name, string? filePath, AudioDecodeOptions options)
    {
        long length = stream.Length;
        if (length == 0)
        {
            throw DecodeFailure.Create(name, "the file is empty (0 bytes)");
        }

        Span<byte> head = stackalloc byte[SniffLength];
        stream.Position = 0;
        head = head[..stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)];
        stream.Position = 0;

        if (StartsWith(head, "RIFF") || StartsWith(head, "RF64") || StartsWith(head, "BW64") || StartsWith(head, "RIFX"))
        {
            return WavReader.Read(stream, name, options.MaxSamples);
        }

        if (StartsWith(head, "OggS"))
        {
            return DecodeOgg(stream, head, name, filePath, options);
        }

        if (StartsWith(head, "fLaC"))
        {
            return DecodeWithFfmpeg(stream, name, filePath, "FLAC", options);
        }

        long id3Length = Mp3Decoder.Id3v2TagLength(head);
        if (id3Length > 0)
        {
            if (id3Length >= length)
            {
                throw DecodeFailure.Create(name, "it holds an ID3 tag but no audio after it (truncated MP3?)");
            }

            Span<byte> afterTag = stackalloc byte[4];
            stream.Position = id3Length;
            if (stream.ReadAtLeast(afterTag, 4, throwOnEndOfStream: false) == 4 && StartsWith(afterTag, "fLaC"))
            {
                return DecodeWithFfmpeg(stream, name, filePath, "FLAC", options);
            }

            return DecodeMp3(stream, id3Length, name, options);
        }

        if (IsAdtsAac(head))
        {
            return DecodeWithFfmpeg(stream, name, filePath, "AAC", options);
        }

        if (DescribeOtherAudio(head) is { } otherAudio)
        {
            return DecodeWithFfmpeg(stream, name, filePath, otherAudio, options);
        }

        if (DescribeNonAudio(head) is { } nonAudio)
        {
            throw DecodeFailure.Create(name, $"it is not audio: it looks like {nonAudio}");
        }

        if (Mp3Decoder.TryFindFrames(stream, 0, out _))
        {
            return Mp3Decoder.Decode(stream, name, options.MaxSamples);
        }

        throw DecodeFailure.Create(
            name,
            $"it is not a recognised audio format (WAV, MP3, Ogg Vorbis or FLAC expected); it starts with {HexPreview(head)}");
    }

    private static AudioClip DecodeMp3(Stream stream, long start, string name, AudioDecodeOptions options)
    {
        if (!Mp3Decoder.TryFindFrames(stream, start, out _))
        {
            throw DecodeFailure.Create(name, "it has an MP3 (ID3) tag but no valid MPEG audio frames follow it (corrupt or truncated MP3)");
        }

        return Mp3Decoder.Decode(stream, name, options.MaxSamples);
    }

    private static AudioClip DecodeOgg(Stream stream, ReadOnlySpan<byte> head, string name, string? filePath, AudioDecodeOptions options)
    {
        // The first Ogg page holds the codec's identification packet right after the segment table.
        if (head.Length < 28)
        {
            throw DecodeFailure.Create(name, "the Ogg header is truncated");
        }

        int packetStart = 27 + head[26];
        ReadOnlySpan<byte> packet = packetStart < head.Length ? head[packetStart..] : [];
        if (packet.Length >= 7 && packet[0] == 0x01 && StartsWith(packet[1..], "vorbis"))
        {
            return OggVorbisDecoder.Decode(stream, name, options.MaxSamples);
        }

        string codec = StartsWith(packet, "OpusHead") ? "Ogg Opus"
            : packet.Length >= 5 && packet[0] == 0x7F && StartsWith(packet[1..], "FLAC") ? "Ogg FLAC"
            : StartsWith(packet, "Speex") ? "Ogg Speex"
            : throw DecodeFailure.Create(name, "it is an Ogg file without a Vorbis, Opus or FLAC audio stream (or its first page is corrupt)");
        return DecodeWithFfmpeg(stream, name, filePath, codec, options);
    }

    private static AudioClip DecodeWithFfmpeg(Stream stream, string name, string? filePath, string formatName, AudioDecodeOptions options)
    {
        string? ffmpeg = FfmpegDecoder.Locate(options.FfmpegPath);
        if (ffmpeg is null)
        {
            throw DecodeFailure.Create(name, $"{formatName} needs ffmpeg (apt-get install ffmpeg) or convert it to WAV");
        }

        return FfmpegDecoder.Decode(ffmpeg, stream, filePath, name, formatName, options.MaxSamples);
    }

    private static bool IsAdtsAac(ReadOnlySpan<byte> head) =>
        head.Length >= 7 && head[0] == 0xFF && (head[1] & 0xF6) == 0xF0 && ((head[2] >> 2) & 0xF) < 13;

    private static string? DescribeOtherAudio(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12)
        {
            return null;
        }

        if (StartsWith(head, "FORM") && (StartsWith(head[8..], "AIFF") || StartsWith(head[8..], "AIFC")))
        {
            return "AIFF";
        }

        return StartsWith(head[4..], "ftyp") ? "MP4/M4A"
            : head[0] == 0x1A && head[1] == 0x45 && head[2] == 0xDF && head[3] == 0xA3 ? "Matroska/WebM"
            : StartsWith(head, "caff") ? "CAF"
            : StartsWith(head, "wvpk") ? "WavPack"
            : StartsWith(head, "MAC ") ? "Monkey's Audio"
            : StartsWith(head, "#!AMR") ? "AMR"
            : head[0] == 0x30 && head[1] == 0x26 && head[2] == 0xB2 && head[3] == 0x75 ? "ASF/WMA"
            : null;
    }

    private static string? DescribeNonAudio(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[0] == 0x89 && StartsWith(head[1..], "PNG"))
        {
            return "a PNG image";
        }

        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return "a JPEG image";
        }

        if (StartsWith(head, "GIF8"))
        {
            return "a GIF image";
        }

        if (StartsWith(head, "%PDF"))
        {
            return "a PDF document";
        }

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return "a ZIP archive";
        }

        if (head.Length >= 14 && StartsWith(head, "BM") && head[6] == 0 && head[7] == 0 && head[8] == 0 && head[9] == 0)
        {
            return "a BMP image";
        }

        foreach (byte b in head)
        {
            bool isText = b is (byte)'\t' or (byte)'\n' or (byte)'\r' or >= 0x20 and not 0x7F;
            if (!isText)
            {
                return null;
            }
        }

        return "a text file";
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, string ascii)
    {
        if (bytes.Length < ascii.Length)
        {
            return false;
        }

        for (int i = 0; i < ascii.Length; i++)
        {
            if (bytes[i] != ascii[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string HexPreview(ReadOnlySpan<byte> head)
    {
        var builder = new StringBuilder();
        int count = Math.Min(head.Length, 8);
        for (int i = 0; i < count; i++)
        {
            builder.Append(i == 0 ? string.Empty : " ").Append(head[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return count == 0 ? "nothing" : $"bytes {builder}";
    }

    private static MemoryStream BufferInMemory(Stream stream, string name)
    {
        var buffered = new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        try
        {
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffered.Length + read > Array.MaxLength)
                {
                    throw DecodeFailure.Create(name, "the stream is too large to buffer in memory; decode it from a file or a seekable stream");
                }

                buffered.Write(chunk, 0, read);
            }
        }
        catch (IOException ex)
        {
            buffered.Dispose();
            throw DecodeFailure.Create(name, $"the stream cannot be read: {ex.Message}", ex);
        }
        catch
        {
            buffered.Dispose();
            throw;
        }

        buffered.Position = 0;
        return buffered;
    }
}
