using System.Buffers;
using System.Diagnostics;
using System.Text;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decodes audio files to <see cref="AudioClip"/>s, or opens them as <see cref="AudioStreamReader"/>s to read piece by
/// piece (one code path: decoding reads a reader to the end), recognising the format by its content (never by the file name):
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

    // Frames read per call when decoding a whole file: 64 Ki frames is 512 KiB of stereo floats.
    private const int ReadBlockFrames = 1 << 16;

    /// <summary>Decodes the audio file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Limits and the ffmpeg location; <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>The decoded samples, named after <paramref name="path"/>.</returns>
    /// <exception cref="InvalidAudioException">The file is missing, unreadable, not audio, corrupt or too large.</exception>
    public static AudioClip Decode(string path, AudioDecodeOptions? options = null)
    {
        options ??= AudioDecodeOptions.Default;
        using AudioStreamReader reader = Open(path, options);
        return ReadToEnd(reader, options.MaxSamples, long.MaxValue) ?? throw new UnreachableException();
    }

    /// <summary>
    /// Decodes the audio file at <paramref name="path"/> to its end, a block at a time (bounded memory), and returns its
    /// duration in seconds: a check that a downloaded file is whole audio, not only a valid header.
    /// </summary>
    /// <exception cref="InvalidAudioException">The file is missing, unreadable, not audio or corrupt.</exception>
    public static double DecodedSeconds(string path, CancellationToken cancellationToken = default)
    {
        using AudioStreamReader reader = Open(path);
        const int blockFrames = 65536;
        float[][] buffer = new float[reader.ChannelCount][];
        for (int c = 0; c < buffer.Length; c++)
        {
            buffer[c] = new float[blockFrames];
        }

        while (reader.Read(buffer, 0, blockFrames) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return (double)reader.FramesRead / reader.SampleRate;
    }

    /// <summary>
    /// Opens the audio file at <paramref name="path"/> for reading piece by piece (bounded memory whatever its length).
    /// The format is recognised by content exactly as <see cref="Decode(string, AudioDecodeOptions?)"/> does, and the
    /// same problems are reported at the same point or, for problems in the audio data, while reading.
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">The ffmpeg location (<see cref="AudioDecodeOptions.MaxSamples"/> does not apply to a reader);
    /// <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>A reader positioned at the first frame; dispose it to close the file (and stop ffmpeg).</returns>
    /// <exception cref="InvalidAudioException">The file is missing, unreadable, not audio or has a corrupt header.</exception>
    public static AudioStreamReader Open(string path, AudioDecodeOptions? options = null)
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

        return OpenSeekable(stream, path, path, options, ownsStream: true);
    }

    /// <summary>Decodes audio from <paramref name="stream"/> (read from its start if seekable; not disposed).</summary>
    /// <param name="stream">The encoded audio. Non-seekable streams are buffered in memory first.</param>
    /// <param name="name">The name used in messages and as the clip's name, typically the original file name.</param>
    /// <param name="options">Limits and the ffmpeg location; <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>The decoded samples, named <paramref name="name"/>.</returns>
    /// <exception cref="InvalidAudioException">The content is not audio, corrupt, unsupported or too large.</exception>
    public static AudioClip Decode(Stream stream, string name, AudioDecodeOptions? options = null)
    {
        options ??= AudioDecodeOptions.Default;
        using AudioStreamReader reader = Open(stream, name, options);
        return ReadToEnd(reader, options.MaxSamples, long.MaxValue) ?? throw new UnreachableException();
    }

    /// <summary>
    /// Opens audio in <paramref name="stream"/> (from its start) for reading piece by piece, recognising the format as
    /// <see cref="Decode(Stream, string, AudioDecodeOptions?)"/> does. The stream is not disposed, and must stay open
    /// while the reader is used.
    /// </summary>
    /// <param name="stream">
    /// The encoded audio. Only a seekable stream is read piece by piece; a non-seekable one is buffered in memory first.
    /// </param>
    /// <param name="name">The name used in messages, typically the original file name.</param>
    /// <param name="options">The ffmpeg location; <see langword="null"/> for <see cref="AudioDecodeOptions.Default"/>.</param>
    /// <returns>A reader positioned at the first frame.</returns>
    /// <exception cref="InvalidAudioException">The content is not audio, unsupported or has a corrupt header.</exception>
    public static AudioStreamReader Open(Stream stream, string name, AudioDecodeOptions? options = null)
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
            return OpenSeekable(stream, name, null, options, ownsStream: false);
        }

        return OpenSeekable(BufferInMemory(stream, name), name, null, options, ownsStream: true);
    }

    /// <summary>
    /// Reads the rest of <paramref name="reader"/> into one clip named after it, refusing more than
    /// <paramref name="maxSamples"/> samples (<see cref="DecodeFailure.TooLarge"/>).
    /// </summary>
    /// <returns>
    /// The clip, or <see langword="null"/> when the audio is longer than <paramref name="frameLimit"/> frames: known from
    /// <see cref="AudioStreamReader.TotalFrames"/> before reading, otherwise reading stops once past the limit.
    /// </returns>
    internal static AudioClip? ReadToEnd(AudioStreamReader reader, long maxSamples, long frameLimit)
    {
        try
        {
            return ReadToEndCore(reader, maxSamples, frameLimit);
        }
        catch (Exception ex) when (ex is not InvalidAudioException and not OperationCanceledException)
        {
            throw DecodeFailure.FromException(reader.Name, ex);
        }
    }

    private static AudioClip? ReadToEndCore(AudioStreamReader reader, long maxSamples, long frameLimit)
    {
        int channels = reader.ChannelCount;
        long maxFrames = Math.Min(maxSamples / channels, Array.MaxLength);
        long limit = Math.Min(maxFrames, frameLimit);
        AudioClip? OverLimit(long frames) => maxFrames < frameLimit
            ? throw DecodeFailure.TooLarge(reader.Name, frames * channels, channels, reader.SampleRate, maxSamples)
            : null;

        if (reader.TotalFrames is long total && total > limit)
        {
            return OverLimit(total);
        }

        var samples = new PlanarSampleBuffer(channels, (int)Math.Min(Math.Max(reader.TotalFrames ?? 0, 4096), limit));
        float[][]? aside = null;
        try
        {
            while (true)
            {
                int free = Math.Min(ReadBlockFrames, samples.Capacity - samples.Frames);
                if (free > 0)
                {
                    int read = reader.Read(samples.Channels, samples.Frames, free);
                    if (read == 0)
                    {
                        break;
                    }

                    samples.Advance(read);
                    continue;
                }

                // The arrays are full: read the next block aside and grow them only if there is more audio.
                aside ??= RentPlanar(channels, ReadBlockFrames);
                int got = reader.Read(aside, 0, ReadBlockFrames);
                if (got == 0)
                {
                    break;
                }

                if (samples.Frames + (long)got > limit)
                {
                    return OverLimit(samples.Frames + (long)got);
                }

                samples.EnsureRoom(got, limit);
                for (int c = 0; c < channels; c++)
                {
                    aside[c].AsSpan(0, got).CopyTo(samples.Channels[c].AsSpan(samples.Frames));
                }

                samples.Advance(got);
            }
        }
        finally
        {
            if (aside is not null)
            {
                foreach (float[] channel in aside)
                {
                    ArrayPool<float>.Shared.Return(channel);
                }
            }
        }

        return samples.Frames == 0 ? throw DecodeFailure.NoAudio(reader.Name) : samples.ToClip(reader.SampleRate, reader.Name);
    }

    private static float[][] RentPlanar(int channels, int frames)
    {
        var arrays = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            arrays[c] = ArrayPool<float>.Shared.Rent(frames);
        }

        return arrays;
    }

    private static AudioStreamReader OpenSeekable(Stream stream, string name, string? filePath, AudioDecodeOptions options, bool ownsStream)
    {
        AudioStreamReader reader;
        try
        {
            reader = OpenByContent(stream, name, filePath, options);
        }
        catch (Exception ex) when (ex is not InvalidAudioException and not OperationCanceledException)
        {
            DisposeIfOwned(stream, ownsStream);
            throw DecodeFailure.FromException(name, ex);
        }
        catch
        {
            DisposeIfOwned(stream, ownsStream);
            throw;
        }

        if (ownsStream)
        {
            reader.TakeOwnership(stream);
        }

        reader.SetWarningHandler(options.Warning);
        return reader;
    }

    private static void DisposeIfOwned(Stream stream, bool ownsStream)
    {
        if (ownsStream)
        {
            stream.Dispose();
        }
    }

    private static AudioStreamReader OpenByContent(Stream stream, string name, string? filePath, AudioDecodeOptions options)
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
            return OpenWav(stream, name, filePath, options);
        }

        if (StartsWith(head, "OggS"))
        {
            return OpenOgg(stream, head, name, filePath, options);
        }

        if (StartsWith(head, "fLaC"))
        {
            return OpenWithFfmpeg(stream, name, filePath, "FLAC", options);
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
                return OpenWithFfmpeg(stream, name, filePath, "FLAC", options);
            }

            return OpenMp3(stream, id3Length, name);
        }

        if (IsAdtsAac(head))
        {
            return OpenWithFfmpeg(stream, name, filePath, "AAC", options);
        }

        if (DescribeOtherAudio(head) is { } otherAudio)
        {
            return OpenWithFfmpeg(stream, name, filePath, otherAudio, options);
        }

        if (DescribeNonAudio(head) is { } nonAudio)
        {
            throw DecodeFailure.Create(name, $"it is not audio: it looks like {nonAudio}");
        }

        if (Mp3Decoder.TryFindFrames(stream, 0, out long firstFrame))
        {
            return Mp3Decoder.Open(stream, firstFrame, name);
        }

        throw DecodeFailure.Create(
            name,
            $"it is not a recognised audio format (WAV, MP3, Ogg Vorbis or FLAC expected); it starts with {HexPreview(head)}");
    }

    /// <summary>WAV in process; a WAV encoding the reader lacks (A-law, mu-law, ADPCM, ...) through ffmpeg when it is installed.</summary>
    private static AudioStreamReader OpenWav(Stream stream, string name, string? filePath, AudioDecodeOptions options)
    {
        if (FfmpegDecoder.Locate(options.FfmpegPath) is null)
        {
            return WavReader.Open(stream, name);
        }

        WavReader? reader = WavReader.Open(stream, name, out string? codec, allowUnsupportedCodec: true);
        if (reader is not null)
        {
            return reader;
        }

        stream.Position = 0;
        return OpenWithFfmpeg(stream, name, filePath, codec ?? "WAV", options);
    }

    private static AudioStreamReader OpenMp3(Stream stream, long start, string name)
    {
        if (!Mp3Decoder.TryFindFrames(stream, start, out long firstFrame))
        {
            throw DecodeFailure.Create(name, "it has an MP3 (ID3) tag but no valid MPEG audio frames follow it (corrupt or truncated MP3)");
        }

        return Mp3Decoder.Open(stream, firstFrame, name);
    }

    private static AudioStreamReader OpenOgg(Stream stream, ReadOnlySpan<byte> head, string name, string? filePath, AudioDecodeOptions options)
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
            return OggVorbisDecoder.Open(stream, name);
        }

        string codec = StartsWith(packet, "OpusHead") ? "Ogg Opus"
            : packet.Length >= 5 && packet[0] == 0x7F && StartsWith(packet[1..], "FLAC") ? "Ogg FLAC"
            : StartsWith(packet, "Speex") ? "Ogg Speex"
            : throw DecodeFailure.Create(name, "it is an Ogg file without a Vorbis, Opus or FLAC audio stream (or its first page is corrupt)");
        return OpenWithFfmpeg(stream, name, filePath, codec, options);
    }

    private static AudioStreamReader OpenWithFfmpeg(Stream stream, string name, string? filePath, string formatName, AudioDecodeOptions options)
    {
        string? ffmpeg = FfmpegDecoder.Locate(options.FfmpegPath);
        if (ffmpeg is null)
        {
            throw DecodeFailure.Create(name, $"{formatName} needs ffmpeg (apt-get install ffmpeg) or convert it to WAV");
        }

        return FfmpegDecoder.Open(ffmpeg, stream, filePath, name, formatName, options.CancellationToken);
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
