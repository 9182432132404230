using System.Buffers.Binary;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Finds MPEG audio frames in a stream (so NLayer never sees garbage) and opens them for decoding with
/// <see cref="Mp3StreamReader"/>.
/// </summary>
internal static class Mp3Decoder
{
    /// <summary>How far past the ID3 tag the first frame may start (some encoders leave padding or junk).</summary>
    private const int MaxSyncSearchBytes = 64 * 1024;

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
    /// Looks for <see cref="Mp3FrameScanner.RequiredConsecutiveFrames"/> chained frame headers starting within the
    /// search window after <paramref name="start"/>; a stream with fewer frames counts if its frames chain exactly to
    /// the end of the file.
    /// </summary>
    /// <param name="stream">A seekable stream.</param>
    /// <param name="start">Where to start looking.</param>
    /// <param name="firstFrame">The offset of the first frame found.</param>
    public static bool TryFindFrames(Stream stream, long start, out long firstFrame)
    {
        firstFrame = -1;
        long length = stream.Length;
        if (start >= length)
        {
            return false;
        }

        long found = new Mp3FrameScanner(stream, length).FindChain(start, Math.Min(length, start + MaxSyncSearchBytes + 4), reference: null);
        if (found < 0)
        {
            return false;
        }

        firstFrame = found;
        return true;
    }

    /// <summary>Opens <paramref name="stream"/> for decoding from the frame at <paramref name="firstFrame"/>.</summary>
    public static AudioStreamReader Open(Stream stream, long firstFrame, string name) => new Mp3StreamReader(stream, firstFrame, name);

    /// <summary>The end of the audio frames: the stream's length less an ID3v1 tag and an APEv2 tag at the end.</summary>
    public static long AudioEnd(Stream stream, long firstFrame)
    {
        long end = stream.Length;
        Span<byte> probe = stackalloc byte[32];
        if (end - firstFrame >= 128 && ReadAt(stream, end - 128, probe[..3]) && probe[..3].SequenceEqual("TAG"u8))
        {
            end -= 128;
        }

        if (end - firstFrame >= 32 && ReadAt(stream, end - 32, probe) && probe[..8].SequenceEqual("APETAGEX"u8))
        {
            long tagSize = BinaryPrimitives.ReadUInt32LittleEndian(probe[12..]);
            bool hasHeader = (BinaryPrimitives.ReadUInt32LittleEndian(probe[20..]) & 0x80000000u) != 0;
            long total = tagSize + (hasHeader ? 32 : 0);
            if (total <= end - firstFrame)
            {
                end -= total;
            }
        }

        return end;
    }

    private static bool ReadAt(Stream stream, long position, Span<byte> buffer)
    {
        stream.Position = position;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
    }
}

/// <summary>Finds chains of consistent MPEG audio frame headers in a seekable stream (the sync search and resync).</summary>
/// <param name="stream">The stream, seekable.</param>
/// <param name="end">Where the audio ends (tags after it are not frames).</param>
internal sealed class Mp3FrameScanner(Stream stream, long end)
{
    /// <summary>Consecutive, chained, mutually consistent frame headers required before bytes count as MPEG audio.</summary>
    public const int RequiredConsecutiveFrames = 3;

    private const int WindowBytes = 1 << 16;

    /// <summary>
    /// The first offset in [<paramref name="from"/>, <paramref name="searchEnd"/>) where
    /// <see cref="RequiredConsecutiveFrames"/> headers chain (or fewer that chain exactly to the end), all of the same
    /// stream as <paramref name="reference"/> when given; -1 when there is none.
    /// </summary>
    public long FindChain(long from, long searchEnd, MpegAudioFrameHeader? reference)
    {
        byte[] window = new byte[WindowBytes + 3];
        for (long windowStart = from; windowStart < searchEnd && windowStart + 4 <= end; windowStart += WindowBytes)
        {
            stream.Position = windowStart;
            int got = stream.ReadAtLeast(window, (int)Math.Min(window.Length, end - windowStart), throwOnEndOfStream: false);
            int last = (int)Math.Min(got - 4, searchEnd - 1 - windowStart);
            for (int i = 0; i <= last; i++)
            {
                if (window[i] != 0xFF || !MpegAudioFrameHeader.TryParse(window.AsSpan(i), out MpegAudioFrameHeader header))
                {
                    continue;
                }

                if ((reference is null || header.IsSameStreamAs(reference.Value)) && Chains(windowStart + i, header))
                {
                    return windowStart + i;
                }
            }
        }

        return -1;
    }

    /// <summary>True when the frame at <paramref name="position"/> is followed by consistent frames (or ends the audio exactly).</summary>
    public bool Chains(long position, MpegAudioFrameHeader first)
    {
        Span<byte> probe = stackalloc byte[4];
        MpegAudioFrameHeader current = first;
        for (int frame = 1; frame < RequiredConsecutiveFrames; frame++)
        {
            position += current.FrameLength;
            if (position == end)
            {
                return true;
            }

            if (position + 4 > end)
            {
                return false;
            }

            stream.Position = position;
            stream.ReadExactly(probe);
            if (!MpegAudioFrameHeader.TryParse(probe, out MpegAudioFrameHeader next) || !next.IsSameStreamAs(first))
            {
                return false;
            }

            current = next;
        }

        return true;
    }
}
