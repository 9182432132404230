using System.Buffers.Binary;
using System.Text;

namespace SpectroFlow.TestKit.Audio;

/// <summary>
/// Builds WAV files byte by byte, including deliberately malformed ones: any fmt fields, extra chunks, wrong declared
/// sizes, missing chunks, truncation. Every field is written exactly as given (little-endian).
/// </summary>
public sealed class WaveFileBuilder
{
    private readonly List<(string Id, byte[] Body, uint? DeclaredSize)> _chunks = [];
    private string _containerId = "RIFF";
    private string _formType = "WAVE";
    private uint? _riffSize;

    /// <summary>The KSDATAFORMAT_SUBTYPE GUID tail shared by PCM (tag 1) and IEEE float (tag 3).</summary>
    public static ReadOnlySpan<byte> SubFormatGuidTail => [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>A complete canonical PCM/float file: fmt (16 bytes, or 18 for float) and data.</summary>
    public static byte[] Simple(ushort formatTag, int channels, int sampleRate, int bitsPerSample, byte[] data) =>
        new WaveFileBuilder().Format(formatTag, channels, sampleRate, bitsPerSample).Data(data).Build();

    /// <summary>Sets the first four bytes (RIFF, RF64, RIFX, ...).</summary>
    public WaveFileBuilder Container(string id, string formType = "WAVE", uint? riffSize = null)
    {
        _containerId = id;
        _formType = formType;
        _riffSize = riffSize;
        return this;
    }

    /// <summary>Adds a fmt chunk (16 bytes; 18 with cbSize = 0 when <paramref name="withCbSize"/>).</summary>
    public WaveFileBuilder Format(ushort formatTag, int channels, int sampleRate, int bitsPerSample, int? blockAlign = null, bool? withCbSize = null)
    {
        int align = blockAlign ?? (channels * ((bitsPerSample + 7) / 8));
        bool cbSize = withCbSize ?? formatTag == 3;
        byte[] body = new byte[cbSize ? 18 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(body, formatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(sampleRate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)bitsPerSample);
        return Chunk("fmt ", body);
    }

    /// <summary>Adds a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk.</summary>
    public WaveFileBuilder ExtensibleFormat(ushort subFormatTag, int channels, int sampleRate, int containerBits, int validBits, uint channelMask)
    {
        int align = channels * (containerBits / 8);
        byte[] body = new byte[40];
        BinaryPrimitives.WriteUInt16LittleEndian(body, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(4), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), (uint)(sampleRate * align));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(14), (ushort)containerBits);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), (ushort)validBits);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(20), channelMask);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(24), subFormatTag);
        SubFormatGuidTail.CopyTo(body.AsSpan(26));
        return Chunk("fmt ", body);
    }

    /// <summary>Adds an RF64 ds64 chunk declaring the data size.</summary>
    public WaveFileBuilder Ds64(long riffSize, long dataSize, long sampleCount)
    {
        byte[] body = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(body, riffSize);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), dataSize);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(16), sampleCount);
        return Chunk("ds64", body);
    }

    /// <summary>Adds a data chunk; <paramref name="declaredSize"/> overrides the size field (e.g. larger than the data).</summary>
    public WaveFileBuilder Data(byte[] samples, uint? declaredSize = null) => Chunk("data", samples, declaredSize);

    /// <summary>Adds any chunk (odd sizes get the RIFF pad byte).</summary>
    public WaveFileBuilder Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        _chunks.Add((id, body, declaredSize));
        return this;
    }

    /// <summary>The file's bytes.</summary>
    public byte[] Build()
    {
        using var stream = new MemoryStream();
        Span<byte> field = stackalloc byte[4];
        stream.Write(Encoding.ASCII.GetBytes(_containerId));
        long bodyLength = 4;
        foreach ((string _, byte[] body, uint? _) in _chunks)
        {
            bodyLength += 8 + body.Length + (body.Length & 1);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(field, _riffSize ?? (uint)bodyLength);
        stream.Write(field);
        stream.Write(Encoding.ASCII.GetBytes(_formType));
        foreach ((string id, byte[] body, uint? declaredSize) in _chunks)
        {
            stream.Write(Encoding.ASCII.GetBytes(id));
            BinaryPrimitives.WriteUInt32LittleEndian(field, declaredSize ?? (uint)body.Length);
            stream.Write(field);
            stream.Write(body);
            if ((body.Length & 1) != 0)
            {
                stream.WriteByte(0);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Interleaved 8-bit unsigned PCM.</summary>
    public static byte[] Pcm8(params byte[] interleaved) => (byte[])interleaved.Clone();

    /// <summary>Interleaved 16-bit PCM.</summary>
    public static byte[] Pcm16(params short[] interleaved)
    {
        byte[] bytes = new byte[interleaved.Length * 2];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), interleaved[i]);
        }

        return bytes;
    }

    /// <summary>Interleaved 24-bit PCM (values in [-8388608, 8388607]).</summary>
    public static byte[] Pcm24(params int[] interleaved)
    {
        byte[] bytes = new byte[interleaved.Length * 3];
        for (int i = 0; i < interleaved.Length; i++)
        {
            bytes[i * 3] = (byte)interleaved[i];
            bytes[(i * 3) + 1] = (byte)(interleaved[i] >> 8);
            bytes[(i * 3) + 2] = (byte)(interleaved[i] >> 16);
        }

        return bytes;
    }

    /// <summary>Interleaved 32-bit PCM.</summary>
    public static byte[] Pcm32(params int[] interleaved)
    {
        byte[] bytes = new byte[interleaved.Length * 4];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), interleaved[i]);
        }

        return bytes;
    }

    /// <summary>Interleaved 32-bit IEEE float.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the sample format.")]
    public static byte[] Float32(params float[] interleaved)
    {
        byte[] bytes = new byte[interleaved.Length * 4];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), interleaved[i]);
        }

        return bytes;
    }

    /// <summary>Interleaved 64-bit IEEE float.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Named after the sample format.")]
    public static byte[] Float64(params double[] interleaved)
    {
        byte[] bytes = new byte[interleaved.Length * 8];
        for (int i = 0; i < interleaved.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), interleaved[i]);
        }

        return bytes;
    }
}
