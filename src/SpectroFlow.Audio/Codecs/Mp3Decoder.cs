using NLayer;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Checks that a stream really holds MPEG audio frames (so NLayer never sees garbage) and decodes it with NLayer.
/// </summary>
internal static class Mp3Decoder
{
    /// <summary>How far past the ID3 tag the first frame may start (some encoders leave padding or junk).</summary>
    private const int MaxSyncSearchBytes = 64 * 1024;

    /// <summary>Consecutive, chained, mutually consistent frame headers required before a stream counts as MPEG audio.</summary>
    private const int RequiredConsecutiveFrames = 3;

    /// <summary>Size of an ID3v2 tag starting at <paramref name="header"/> (0 when there is none).</summary>
    public static long Id3v2TagLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < 10 || header[0] != (byte)'I' || header[1] != (byte)'D' || header[2] != (byte)'3')
        {
            return 0;
        }

        // Sizes are "syncsafe": 7 bits per byte.
        long size = ((header[6] & 0x7F) << 21) | ((header[7] & 0x7F) << 14) | ((header[8] & 0x7F) << 7) | (header[9] & 0x7F);
        bool hasFooter = (header[5] & 0x10) != 0;
        return 10 + size + (hasFooter ? 10 : 0);
    }

    /// <summary>
    /// Looks for <see cref="RequiredConsecutiveFrames"/> chained frame headers starting within the search window after
    /// <paramref name="start"/>; a stream with fewer frames counts if its frames chain exactly to the end of the file.
    /// </summary>
    public static bool TryFindFrames(Stream stream, long start, out MpegAudioFrameHeader first)
    {
        first = default;
        long length = stream.Length;
        if (start >= length)
        {
            return false;
        }

        // Read the window plus room for a few maximal frames (Layer II at 384 kbit/s, 8 kHz would be larger, but
        // chained frames beyond the window are read on demand below).
        int windowLength = (int)Math.Min(length - start, MaxSyncSearchBytes + (4 * 4608));
        byte[] window = new byte[windowLength];
        stream.Position = start;
        stream.ReadExactly(window);
        int searchEnd = Math.Min(windowLength - 4, MaxSyncSearchBytes);
        for (int offset = 0; offset <= searchEnd; offset++)
        {
            if (window[offset] != 0xFF || !MpegAudioFrameHeader.TryParse(window.AsSpan(offset), out MpegAudioFrameHeader header))
            {
                continue;
            }

            if (FramesChain(stream, window, start, offset, header))
            {
                first = header;
                return true;
            }
        }

        return false;
    }

    /// <summary>Opens <paramref name="stream"/> (from its start) for decoding with NLayer.</summary>
    public static AudioStreamReader Open(Stream stream, string name)
    {
        stream.Position = 0;
        var mpeg = new MpegFile(stream);
        try
        {
            // NLayer's Length counts bytes of 32-bit float samples over all channels.
            long? frames = mpeg.Channels > 0 && mpeg.Length > 0 ? mpeg.Length / (sizeof(float) * mpeg.Channels) : null;
            return new InterleavedAudioStreamReader(name, "MP3", mpeg, mpeg.ReadSamples, mpeg.Channels, maxChannels: 2, mpeg.SampleRate, frames);
        }
        catch
        {
            mpeg.Dispose();
            throw;
        }
    }

    private static bool FramesChain(Stream stream, byte[] window, long windowStart, int offset, MpegAudioFrameHeader first)
    {
        long length = stream.Length;
        long position = windowStart + offset;
        MpegAudioFrameHeader current = first;
        Span<byte> probe = stackalloc byte[4];
        for (int frame = 1; frame < RequiredConsecutiveFrames; frame++)
        {
            position += current.FrameLength;
            if (position == length)
            {
                return true; // A very short stream whose frames end exactly at the end of the file.
            }

            if (position + 4 > length)
            {
                return false;
            }

            long inWindow = position - windowStart;
            if (inWindow + 4 <= window.Length)
            {
                window.AsSpan((int)inWindow, 4).CopyTo(probe);
            }
            else
            {
                stream.Position = position;
                stream.ReadExactly(probe);
            }

            if (!MpegAudioFrameHeader.TryParse(probe, out MpegAudioFrameHeader next) || !next.IsCompatibleWith(first))
            {
                return false;
            }

            current = next;
        }

        return true;
    }
}
