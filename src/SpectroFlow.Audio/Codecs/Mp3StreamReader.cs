using System.Buffers.Binary;
using System.Globalization;
using NLayer;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decodes MPEG audio frame by frame: the frames are found here (NLayer's <see cref="MpegFrameDecoder"/> only decodes
/// them), so damaged data is skipped like ffmpeg does (resynchronising on a chain of consistent headers) and reported
/// with the time it costs, and the gapless information of a Xing/Info frame with a LAME tag (encoder delay and padding)
/// is applied as ffmpeg and LAME apply it: the first <c>delay + 529</c> samples and the last <c>padding - 529</c> are
/// dropped, so an MP3 decodes to exactly the samples that were encoded.
/// </summary>
internal sealed class Mp3StreamReader : AudioStreamReader
{
    /// <summary>The delay of the MPEG audio synthesis filterbank, in samples (what LAME's and ffmpeg's decoders add).</summary>
    private const int DecoderDelay = 529;

    // Trailing bytes that are not frames are reported only above this (a cut-off last frame is smaller).
    private const int IgnoredTrailingBytes = 512;

    private readonly Stream _stream;
    private readonly long _end;
    private readonly MpegAudioFrameHeader _reference;
    private readonly Mp3FrameScanner _scanner;
    private readonly MpegFrameDecoder _decoder = new();
    private readonly Mp3Frame _frame = new();
    private readonly float[] _decoded;
    private readonly float[] _pending;
    private readonly int _endTrim;
    private int _pendingStart;
    private int _pendingCount;
    private long _position;
    private long _skip;
    private long _framesOut;
    private long _audioFrames;
    private long _audioBytes;
    private int _undecodable;
    private bool _endOfFrames;

    public Mp3StreamReader(Stream stream, long firstFrame, string name)
        : base(name)
    {
        _stream = stream;
        _end = Mp3Decoder.AudioEnd(stream, firstFrame);
        Span<byte> head = stackalloc byte[4];
        stream.Position = firstFrame;
        stream.ReadExactly(head);
        if (!MpegAudioFrameHeader.TryParse(head, out _reference))
        {
            throw DecodeFailure.Create(name, "no valid MPEG audio frame where one was found");
        }

        _scanner = new Mp3FrameScanner(stream, _end);
        _position = firstFrame;
        ChannelCount = _reference.Channels;
        SampleRate = _reference.SampleRate;
        _decoded = new float[_reference.SamplesPerFrame * 2];
        if (ReadInfoFrame(out long? frames, out int? delay, out int? padding))
        {
            _position += _reference.FrameLength;
            long spf = _reference.SamplesPerFrame;
            if (delay is { } start && padding is { } end)
            {
                _skip = start + DecoderDelay;
                _endTrim = Math.Max(0, end - DecoderDelay);
                TotalFrames = frames is { } count ? Math.Max(0, (count * spf) - start - end) : null;
            }
            else
            {
                TotalFrames = frames * spf;
            }
        }

        _pending = new float[(_endTrim + (2 * _reference.SamplesPerFrame)) * ChannelCount];
    }

    public override int SampleRate { get; }

    public override int ChannelCount { get; }

    /// <summary>From the Xing/Info frame's frame count (less delay and padding), or <see langword="null"/> without one.</summary>
    public override long? TotalFrames { get; }

    protected override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        int channels = ChannelCount;
        while (!_endOfFrames && (_pendingCount / channels) <= _endTrim)
        {
            DecodeNextFrame();
        }

        int available = (_pendingCount / channels) - (_endOfFrames ? 0 : _endTrim);
        int frames = Math.Min(frameCount, available);
        if (frames <= 0)
        {
            return 0;
        }

        InterleavedAudioStreamReader.Deinterleave(_pending.AsSpan(_pendingStart, frames * channels), destination, offset, frames, channels);

        _pendingStart += frames * channels;
        _pendingCount -= frames * channels;
        return frames;
    }

    private void DecodeNextFrame()
    {
        if (!TryReadFrame())
        {
            _endOfFrames = true;

            // The padding is at the end of what was decoded: drop it now that the end is known.
            _pendingCount = Math.Max(0, _pendingCount - (_endTrim * ChannelCount));
            if (_undecodable > 0)
            {
                Warn(string.Create(CultureInfo.InvariantCulture, $"{_undecodable} damaged MP3 frame(s) could not be decoded and were replaced by silence"));
            }

            return;
        }

        int channels = ChannelCount;
        int spf = _frame.SampleCount;
        if (!TryDecodeFrame(spf * channels))
        {
            Array.Clear(_decoded, 0, spf * channels);
        }

        int frames = spf;
        int skip = (int)Math.Min(_skip, frames);
        _skip -= skip;
        frames -= skip;
        if (frames == 0)
        {
            return;
        }

        if (_pendingStart + _pendingCount + (frames * channels) > _pending.Length)
        {
            _pending.AsSpan(_pendingStart, _pendingCount).CopyTo(_pending);
            _pendingStart = 0;
        }

        _decoded.AsSpan(skip * channels, frames * channels).CopyTo(_pending.AsSpan(_pendingStart + _pendingCount));
        _pendingCount += frames * channels;
        _framesOut += frames;
    }

    /// <summary>Decodes <see cref="_frame"/> into <see cref="_decoded"/>; false when it yields no audio (the caller fills silence).</summary>
    private bool TryDecodeFrame(int expectedSamples)
    {
        try
        {
            return _decoder.DecodeFrame(_frame, _decoded, 0) == expectedSamples;
        }
        catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentException or InvalidOperationException or EndOfStreamException or NullReferenceException)
        {
            // Data damaged inside a frame whose header survived: the frame is lost, the stream goes on.
            _decoder.Reset();
            _undecodable++;
            return false;
        }
    }

    /// <summary>Reads the next frame into <see cref="_frame"/>, skipping (and reporting) data that is not a chained frame.</summary>
    private bool TryReadFrame()
    {
        Span<byte> bytes = _frame.Buffer;
        while (_position + 4 <= _end)
        {
            _stream.Position = _position;
            int got = _stream.ReadAtLeast(bytes[..4], 4, throwOnEndOfStream: false);
            if (got == 4 && MpegAudioFrameHeader.TryParse(bytes, out MpegAudioFrameHeader header) && header.IsSameStreamAs(_reference)
                && _position + header.FrameLength <= _end)
            {
                long next = _position + header.FrameLength;
                int toRead = header.FrameLength - 4 + (next + 4 <= _end ? 4 : 0);
                _stream.ReadExactly(bytes.Slice(4, toRead));
                bool chained = next == _end
                    || (toRead == header.FrameLength && MpegAudioFrameHeader.TryParse(bytes[header.FrameLength..], out MpegAudioFrameHeader following)
                        && following.IsSameStreamAs(_reference));

                // A frame not followed by another is where damage starts: its own data is suspect, so it is skipped too.
                if (chained)
                {
                    _frame.Set(header);
                    _position = next;
                    _audioFrames++;
                    _audioBytes += header.FrameLength;
                    return true;
                }
            }

            long damageStart = _position;
            long resumed = _scanner.FindChain(_position + 1, _end, _reference);
            if (resumed < 0)
            {
                WarnTrailing(damageStart);
                _position = _end;
                return false;
            }

            WarnSkipped(damageStart, resumed);
            _decoder.Reset();
            _position = resumed;
        }

        return false;
    }

    private void WarnSkipped(long from, long to)
    {
        long bytes = to - from;
        long at = _framesOut + _skip;
        double bytesPerFrame = _audioFrames > 0 ? _audioBytes / (double)_audioFrames : _reference.FrameLength;
        long lostFrames = (long)Math.Round(bytes / bytesPerFrame) * _reference.SamplesPerFrame;
        Warn(string.Create(
            CultureInfo.InvariantCulture,
            $"damaged MP3 data skipped at {Seconds(at)}: {bytes:N0} bytes (offsets {from:N0} to {to:N0}) are not valid frames; up to about {Seconds(lostFrames)} of audio lost (from {Seconds(at)} to {Seconds(at + lostFrames)})"));
    }

    private void WarnTrailing(long from)
    {
        long bytes = _end - from;
        Span<byte> head = stackalloc byte[4];
        _stream.Position = from;
        if (bytes >= 4 && _stream.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4
            && MpegAudioFrameHeader.TryParse(head, out MpegAudioFrameHeader header) && header.IsSameStreamAs(_reference) && header.FrameLength > bytes)
        {
            Warn(string.Create(
                CultureInfo.InvariantCulture,
                $"the file ends in the middle of an MP3 frame ({bytes:N0} of its {header.FrameLength:N0} bytes, after {Seconds(_framesOut)} of audio): cut short?"));
            return;
        }

        if (bytes <= IgnoredTrailingBytes || IsAllZero(from, bytes))
        {
            return;
        }

        Warn(string.Create(
            CultureInfo.InvariantCulture,
            $"the last {bytes:N0} bytes (from offset {from:N0}, after {Seconds(_framesOut)} of audio) are not valid MP3 frames and were skipped (damaged or cut short?)"));
    }

    private bool IsAllZero(long from, long count)
    {
        byte[] buffer = new byte[4096];
        _stream.Position = from;
        while (count > 0)
        {
            int got = _stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (got == 0)
            {
                return true;
            }

            if (buffer.AsSpan(0, got).ContainsAnyExcept((byte)0))
            {
                return false;
            }

            count -= got;
        }

        return true;
    }

    /// <summary>
    /// Reads a Xing/Info (or VBRI) frame at <see cref="_position"/>: true when the first frame is such a tag frame (not
    /// audio), with the frame count and, from a LAME tag (as ffmpeg: also Lavf/Lavc), the encoder delay and padding.
    /// </summary>
    private bool ReadInfoFrame(out long? frames, out int? delay, out int? padding)
    {
        frames = null;
        delay = null;
        padding = null;
        int length = _reference.FrameLength;
        byte[] frame = new byte[length];
        _stream.Position = _position;
        if (_stream.ReadAtLeast(frame, length, throwOnEndOfStream: false) < length)
        {
            return false;
        }

        ReadOnlySpan<byte> bytes = frame;
        if (bytes.Length >= 36 + 4 && bytes.Slice(36, 4).SequenceEqual("VBRI"u8))
        {
            return true;
        }

        int xing = 4 + _reference.SideInfoLength;
        if (_reference.Layer != 3 || bytes.Length < xing + 8
            || !(bytes.Slice(xing, 4).SequenceEqual("Xing"u8) || bytes.Slice(xing, 4).SequenceEqual("Info"u8)))
        {
            return false;
        }

        uint flags = BinaryPrimitives.ReadUInt32BigEndian(bytes[(xing + 4)..]);
        int p = xing + 8;
        if ((flags & 1) != 0 && p + 4 <= bytes.Length)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(bytes[p..]);
        }

        p += ((flags & 1) != 0 ? 4 : 0) + ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
        if (p + 24 <= bytes.Length)
        {
            ReadOnlySpan<byte> encoder = bytes.Slice(p, 4);
            if (encoder.SequenceEqual("LAME"u8) || encoder.SequenceEqual("Lavf"u8) || encoder.SequenceEqual("Lavc"u8))
            {
                int packed = (bytes[p + 21] << 16) | (bytes[p + 22] << 8) | bytes[p + 23];
                delay = packed >> 12;
                padding = packed & 0xFFF;
            }
        }

        return true;
    }

    /// <summary>One frame's bytes, read by NLayer bit by bit (most significant first) after the header and CRC.</summary>
    private sealed class Mp3Frame : IMpegFrame
    {
        private readonly byte[] _bytes = new byte[MpegAudioFrameHeader.MaxFrameLength + 4];
        private MpegAudioFrameHeader _header;
        private int _readOffset;
        private int _bitsInBucket;
        private ulong _bitBucket;

        public Span<byte> Buffer => _bytes;

        public int SampleRate => _header.SampleRate;

        public int SampleRateIndex => _header.SampleRateIndex;

        public int FrameLength => _header.FrameLength;

        public int BitRate => _header.Bitrate;

        public MpegVersion Version => _header.Version switch
        {
            3 => MpegVersion.Version1,
            2 => MpegVersion.Version2,
            _ => MpegVersion.Version25,
        };

        public MpegLayer Layer => (MpegLayer)_header.Layer;

        public MpegChannelMode ChannelMode => (MpegChannelMode)_header.ChannelMode;

        public int ChannelModeExtension => _header.ModeExtension;

        public int SampleCount => _header.SamplesPerFrame;

        public int BitRateIndex => _header.BitrateIndex;

        public bool IsCopyrighted => _header.IsCopyrighted;

        public bool HasCrc => _header.HasCrc;

        public bool IsCorrupted => false;

        public void Set(MpegAudioFrameHeader header)
        {
            _header = header;
            Reset();
        }

        public void Reset()
        {
            _readOffset = 4 + (_header.HasCrc ? 2 : 0);
            _bitsInBucket = 0;
            _bitBucket = 0;
        }

        public int ReadBits(int bitCount)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(bitCount, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(bitCount, 32);
            while (_bitsInBucket < bitCount)
            {
                if (_readOffset >= _header.FrameLength)
                {
                    throw new EndOfStreamException();
                }

                _bitBucket = (_bitBucket << 8) | _bytes[_readOffset++];
                _bitsInBucket += 8;
            }

            int value = (int)((_bitBucket >> (_bitsInBucket - bitCount)) & ((1UL << bitCount) - 1));
            _bitsInBucket -= bitCount;
            return value;
        }
    }
}
