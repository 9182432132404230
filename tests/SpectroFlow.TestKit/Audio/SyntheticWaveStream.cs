using System.Buffers.Binary;

namespace SpectroFlow.TestKit.Audio;

/// <summary>
/// A seekable, read-only 16-bit PCM WAV file of any length generated on the fly (nothing is held in memory), counting
/// the bytes read from it: a long input for boundedness tests. Sample (frame f, channel c) is <see cref="SampleAt"/>.
/// </summary>
public sealed class SyntheticWaveStream : Stream
{
    /// <summary>Size of the canonical header before the samples.</summary>
    public const int HeaderLength = 44;

    private readonly byte[] _header = new byte[HeaderLength];
    private readonly int _channels;
    private long _position;

    /// <summary>Creates a file of <paramref name="frames"/> frames.</summary>
    public SyntheticWaveStream(long frames, int sampleRate = 44100, int channels = 2)
    {
        _channels = channels;
        long dataLength = frames * channels * 2;
        Length = HeaderLength + dataLength;
        "RIFF"u8.CopyTo(_header);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(4), (uint)Math.Min(uint.MaxValue, Length - 8));
        "WAVEfmt "u8.CopyTo(_header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(22), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(24), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(28), (uint)(sampleRate * channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(32), (ushort)(channels * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(_header.AsSpan(34), 16);
        "data"u8.CopyTo(_header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(40), (uint)Math.Min(uint.MaxValue, dataLength));
    }

    /// <summary>Bytes handed out by <see cref="Read(byte[], int, int)"/> so far.</summary>
    public long BytesRead { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length { get; }

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = Math.Clamp(value, 0, Length);
    }

    /// <summary>The 16-bit sample of frame <paramref name="frame"/>, channel <paramref name="channel"/>.</summary>
    public static short SampleAt(long frame, int channel) => (short)(((frame * 7919) + (channel * 104729)) % 65536);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int count = (int)Math.Min(buffer.Length, Length - _position);
        for (int i = 0; i < count; i++)
        {
            long at = _position + i;
            if (at < HeaderLength)
            {
                buffer[i] = _header[at];
                continue;
            }

            long sampleIndex = (at - HeaderLength) / 2;
            short sample = SampleAt(sampleIndex / _channels, (int)(sampleIndex % _channels));
            buffer[i] = (byte)((at - HeaderLength) % 2 == 0 ? sample : sample >> 8);
        }

        _position += count;
        BytesRead += count;
        return count;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => Length + offset,
        };
        return _position;
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
