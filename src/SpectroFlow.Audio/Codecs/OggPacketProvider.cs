using System.Buffers.Binary;
using System.Globalization;
using NVorbis.Contracts;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Reads the packets of the first logical stream of an Ogg file for NVorbis, checking every page's CRC and
/// resynchronising past damage like ffmpeg does: bytes that are not a valid page are skipped (however many), packets
/// cut by the damage are dropped and the next packet is flagged as a resync, so the decoder takes its position from
/// the next granule position. What was skipped is kept in <see cref="TakeSkippedRegion"/> for the reader's warning.
/// </summary>
internal sealed class OggPacketProvider : IPacketProvider
{
    private const int HeaderLength = 27;
    private const int MaxPageLength = HeaderLength + 255 + (255 * 255);
    private const int ScanWindow = 1 << 16;

    private readonly Stream _stream;
    private readonly byte[] _page = new byte[MaxPageLength];
    private readonly Queue<Packet> _packets = new();
    private byte[] _partial = new byte[4096];
    private int _partialLength;
    private readonly long _granuleCount;
    private long _position;
    private int _serial;
    private bool _haveSerial;
    private int _expectedSequence;
    private bool _partialValid;
    private bool _resyncNext;
    private bool _ended;
    private (long From, long To)? _skipped;

    /// <summary>Reads from the start of <paramref name="stream"/> (seekable); the last granule position is read first.</summary>
    public OggPacketProvider(Stream stream)
    {
        _stream = stream;
        _position = 0;
        if (ReadPageAt(0, out PageInfo first) && (first.Flags & 2) != 0)
        {
            _serial = first.Serial;
            _haveSerial = true;
        }

        _granuleCount = FindLastGranule();
    }

    public bool CanSeek => false;

    public int StreamSerial => _serial;

    /// <summary>
    /// The byte range of the last damage skipped since the previous call, or <see langword="null"/>; clears it. A range
    /// that ends at the stream's length is the end of the file (cut short, or junk after the last page).
    /// </summary>
    public (long From, long To)? TakeSkippedRegion()
    {
        (long From, long To)? skipped = _skipped;
        _skipped = null;
        return skipped;
    }

    public long GetGranuleCount() => _granuleCount;

    public IPacket? GetNextPacket() => Fill() ? _packets.Dequeue() : null;

    public IPacket? PeekNextPacket() => Fill() ? _packets.Peek() : null;

    public long SeekTo(long granulePos, int preRoll, GetPacketGranuleCount getPacketGranuleCount) =>
        throw new NotSupportedException("Seeking is not supported.");

    private bool Fill()
    {
        while (_packets.Count == 0 && !_ended)
        {
            ReadNextPage();
        }

        return _packets.Count > 0;
    }

    private void ReadNextPage()
    {
        long start = _position;
        if (!ReadPageAt(start, out PageInfo page))
        {
            long resumed = FindNextPage(start + 1);
            if (resumed < 0)
            {
                if (_stream.Length > start)
                {
                    _skipped = (start, _stream.Length);
                }

                _ended = true;
                return;
            }

            _skipped = (start, resumed);
            Discontinuity();
            _position = resumed;
            return;
        }

        _position = start + page.Length;
        if (!_haveSerial)
        {
            _serial = page.Serial;
            _haveSerial = true;
        }

        if (page.Serial != _serial)
        {
            return;
        }

        if (page.Sequence != _expectedSequence && _expectedSequence != 0)
        {
            // Whole pages are missing (cut out cleanly, or their bytes were skipped above).
            _skipped ??= (start, start);
            Discontinuity();
        }

        _expectedSequence = page.Sequence + 1;
        AddPackets(page);
        if ((page.Flags & 4) != 0)
        {
            _ended = true;
        }
    }

    private void Discontinuity()
    {
        _partialLength = 0;
        _partialValid = false;
        _resyncNext = true;
    }

    private void AddPackets(PageInfo page)
    {
        ReadOnlySpan<byte> segments = _page.AsSpan(HeaderLength, page.Segments);
        int bodyOffset = HeaderLength + page.Segments;
        bool continued = (page.Flags & 1) != 0;

        // A continued packet whose start was lost cannot be decoded: its rest is skipped.
        bool keep = !continued || _partialValid;
        if (!continued)
        {
            _partialLength = 0;
        }

        int lastComplete = -1;
        for (int i = 0; i < segments.Length; i++)
        {
            if (segments[i] < 255)
            {
                lastComplete = i;
            }
        }

        for (int i = 0; i < segments.Length; i++)
        {
            int size = segments[i];
            if (keep)
            {
                AppendPartial(_page.AsSpan(bodyOffset, size));
            }

            bodyOffset += size;
            if (size == 255)
            {
                continue;
            }

            if (keep)
            {
                bool isLast = i == lastComplete;
                _packets.Enqueue(new Packet(
                    _partial.AsSpan(0, _partialLength).ToArray(),
                    isLast && page.Granule >= 0 ? page.Granule : null,
                    _resyncNext,
                    isLast && (page.Flags & 4) != 0));
                _resyncNext = false;
            }

            _partialLength = 0;
            keep = true;
        }

        _partialValid = keep && segments.Length > 0 && segments[^1] == 255;
        if (!_partialValid)
        {
            _partialLength = 0;
        }
    }

    private void AppendPartial(ReadOnlySpan<byte> bytes)
    {
        if (_partialLength + bytes.Length > _partial.Length)
        {
            Array.Resize(ref _partial, Math.Max(_partial.Length * 2, _partialLength + bytes.Length));
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength += bytes.Length;
    }

    /// <summary>Reads and checks the page at <paramref name="position"/> into <see cref="_page"/>: false when it is not a valid page.</summary>
    private bool ReadPageAt(long position, out PageInfo page)
    {
        page = default;
        _stream.Position = position;
        if (_stream.ReadAtLeast(_page.AsSpan(0, HeaderLength), HeaderLength, throwOnEndOfStream: false) < HeaderLength
            || !_page.AsSpan(0, 4).SequenceEqual("OggS"u8) || _page[4] != 0)
        {
            return false;
        }

        int segments = _page[26];
        if (_stream.ReadAtLeast(_page.AsSpan(HeaderLength, segments), segments, throwOnEndOfStream: false) < segments)
        {
            return false;
        }

        int bodyLength = 0;
        foreach (byte size in _page.AsSpan(HeaderLength, segments))
        {
            bodyLength += size;
        }

        int length = HeaderLength + segments + bodyLength;
        if (_stream.ReadAtLeast(_page.AsSpan(HeaderLength + segments, bodyLength), bodyLength, throwOnEndOfStream: false) < bodyLength)
        {
            return false;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_page.AsSpan(22));
        BinaryPrimitives.WriteUInt32LittleEndian(_page.AsSpan(22), 0);
        bool valid = OggCrc.Compute(_page.AsSpan(0, length)) == stored;
        BinaryPrimitives.WriteUInt32LittleEndian(_page.AsSpan(22), stored);
        if (!valid)
        {
            return false;
        }

        page = new PageInfo(
            _page[5],
            BinaryPrimitives.ReadInt64LittleEndian(_page.AsSpan(6)),
            BinaryPrimitives.ReadInt32LittleEndian(_page.AsSpan(14)),
            BinaryPrimitives.ReadInt32LittleEndian(_page.AsSpan(18)),
            segments,
            length);
        return true;
    }

    /// <summary>The offset of the next valid page at or after <paramref name="from"/>, or -1.</summary>
    private long FindNextPage(long from)
    {
        byte[] window = new byte[ScanWindow + 3];
        long length = _stream.Length;
        for (long windowStart = from; windowStart + 4 <= length; windowStart += ScanWindow)
        {
            _stream.Position = windowStart;
            int got = _stream.ReadAtLeast(window, (int)Math.Min(window.Length, length - windowStart), throwOnEndOfStream: false);
            for (int i = 0; i + 4 <= got && i < ScanWindow; i++)
            {
                if (window[i] == (byte)'O' && window.AsSpan(i, 4).SequenceEqual("OggS"u8) && ReadPageAt(windowStart + i, out _))
                {
                    return windowStart + i;
                }
            }
        }

        return -1;
    }

    /// <summary>The granule position of the last valid page of the stream (what the container states as its length).</summary>
    private long FindLastGranule()
    {
        long length = _stream.Length;
        long searchFrom = Math.Max(0, length - (2L * MaxPageLength));
        long granule = 0;
        long position = FindNextPage(searchFrom);
        while (position >= 0 && ReadPageAt(position, out PageInfo page))
        {
            if (page.Serial == _serial && page.Granule > 0)
            {
                granule = page.Granule;
            }

            position += page.Length;
            if (!ReadPageAt(position, out _))
            {
                position = FindNextPage(position + 1);
            }
        }

        return granule;
    }

    /// <summary>True when <paramref name="region"/> runs to the end of the stream (no valid page follows it).</summary>
    public bool IsAtEnd((long From, long To) region) => region.To >= _stream.Length && region.To > region.From;

    /// <summary>Formats a skipped byte range for a warning.</summary>
    public static string DescribeBytes((long From, long To) region) => region.To > region.From
        ? string.Create(CultureInfo.InvariantCulture, $"{region.To - region.From:N0} bytes (offsets {region.From:N0} to {region.To:N0}) are not valid Ogg pages")
        : "Ogg pages are missing";

    private readonly record struct PageInfo(byte Flags, long Granule, int Serial, int Sequence, int Segments, int Length);

    /// <summary>One Vorbis packet; bits are read least significant first, as Vorbis packs them.</summary>
    private sealed class Packet(byte[] data, long? granule, bool isResync, bool isEndOfStream) : IPacket
    {
        private readonly int _totalBits = data.Length * 8;
        private int _bitPosition;

        public bool IsResync => isResync;

        public bool IsShort { get; private set; }

        public long? GranulePosition => granule;

        public bool IsEndOfStream => isEndOfStream;

        public int BitsRead => Math.Min(_bitPosition, _totalBits);

        public int BitsRemaining => _totalBits - BitsRead;

        public int ContainerOverheadBits => 0;

        public ulong TryPeekBits(int count, out int bitsRead)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 64);
            int available = Math.Max(0, _totalBits - _bitPosition);
            bitsRead = Math.Min(count, available);
            if (bitsRead < count)
            {
                IsShort = true;
            }

            if (bitsRead == 0)
            {
                return 0;
            }

            int byteIndex = _bitPosition >> 3;
            int shift = _bitPosition & 7;
            ulong value;
            if (byteIndex + 8 <= data.Length)
            {
                // Huffman decoding peeks at every codeword: one unaligned 64-bit load instead of a byte loop.
                value = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(byteIndex)) >> shift;
                if (shift + bitsRead > 64)
                {
                    value |= (ulong)data[byteIndex + 8] << (64 - shift);
                }
            }
            else
            {
                int bytes = (shift + bitsRead + 7) >> 3;
                value = (ulong)data[byteIndex] >> shift;
                for (int i = 1; i < bytes; i++)
                {
                    value |= (ulong)data[byteIndex + i] << ((i * 8) - shift);
                }
            }

            return bitsRead == 64 ? value : value & ((1UL << bitsRead) - 1);
        }

        public void SkipBits(int count)
        {
            _bitPosition += count;
            if (_bitPosition > _totalBits)
            {
                _bitPosition = _totalBits;
                IsShort = true;
            }
        }

        public ulong ReadBits(int count)
        {
            if (count == 0)
            {
                return 0;
            }

            ulong value = TryPeekBits(count, out _);
            SkipBits(count);
            return value;
        }

        public void Reset()
        {
            _bitPosition = 0;
            IsShort = false;
        }

        public void Done()
        {
        }
    }
}

/// <summary>The Ogg page checksum: CRC-32 with polynomial 0x04C11DB7, not reflected, initial value 0.</summary>
internal static class OggCrc
{
    private static readonly uint[] s_table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0;
        foreach (byte b in bytes)
        {
            crc = (crc << 8) ^ s_table[(crc >> 24) ^ b];
        }

        return crc;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int bit = 0; bit < 8; bit++)
            {
                r = (r & 0x80000000u) != 0 ? (r << 1) ^ 0x04C11DB7u : r << 1;
            }

            table[i] = r;
        }

        return table;
    }
}
