using System.Buffers;
using System.Buffers.Binary;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Writes canonical little-endian WAV: a 16-byte PCM fmt chunk (or 18-byte float fmt chunk plus fact chunk) for mono
/// and stereo, WAVE_FORMAT_EXTENSIBLE with a standard channel mask for more channels.
/// </summary>
internal static class WavWriter
{
    private const int FramesPerBlock = 8192;

    // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT without the leading format tag.
    private static readonly byte[] s_subFormatGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    // SPEAKER_* masks for 1..8 channels in WAVEFORMATEXTENSIBLE order (FL FR FC LFE BL BR ...); 0 = unspecified.
    private static readonly uint[] s_channelMasks = [0, 0x4, 0x3, 0x7, 0x33, 0x37, 0x3F, 0x13F, 0x63F];

    public static void Write(Stream stream, AudioClip clip, WavSampleFormat format)
    {
        int channels = clip.ChannelCount;
        int bytesPerSample = format switch
        {
            WavSampleFormat.Pcm16 => 2,
            WavSampleFormat.Pcm24 => 3,
            WavSampleFormat.Float32 => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown WAV sample format."),
        };
        if (channels > ushort.MaxValue / bytesPerSample)
        {
            throw new ArgumentException($"A WAV file cannot hold {channels} channels.", nameof(clip));
        }

        bool isFloat = format == WavSampleFormat.Float32;
        bool isExtensible = channels > 2;
        int blockAlign = channels * bytesPerSample;
        long dataBytes = (long)clip.Frames * blockAlign;
        int fmtSize = isExtensible ? 40 : isFloat ? 18 : 16;
        bool hasFact = isFloat;
        long riffSize = 4 + (8 + fmtSize) + (hasFact ? 12 : 0) + 8 + dataBytes + (dataBytes & 1);
        if (riffSize > uint.MaxValue)
        {
            throw new ArgumentException(
                $"'{clip.Name}' is too long for a WAV file ({dataBytes:N0} bytes of samples; the format's limit is 4 GiB): write shorter clips or MP3.",
                nameof(clip));
        }

        Span<byte> header = stackalloc byte[12 + 8 + 40 + 12 + 8];
        int position = 0;
        WriteAscii(header, ref position, "RIFF");
        WriteUInt32(header, ref position, (uint)riffSize);
        WriteAscii(header, ref position, "WAVE");
        WriteAscii(header, ref position, "fmt ");
        WriteUInt32(header, ref position, (uint)fmtSize);
        ushort tag = isExtensible ? (ushort)0xFFFE : isFloat ? (ushort)3 : (ushort)1;
        WriteUInt16(header, ref position, tag);
        WriteUInt16(header, ref position, (ushort)channels);
        WriteUInt32(header, ref position, (uint)clip.SampleRate);
        WriteUInt32(header, ref position, (uint)Math.Min((long)clip.SampleRate * blockAlign, uint.MaxValue));
        WriteUInt16(header, ref position, (ushort)blockAlign);
        WriteUInt16(header, ref position, (ushort)(bytesPerSample * 8));
        if (isExtensible)
        {
            WriteUInt16(header, ref position, 22);
            WriteUInt16(header, ref position, (ushort)(bytesPerSample * 8));
            WriteUInt32(header, ref position, channels < s_channelMasks.Length ? s_channelMasks[channels] : 0);
            WriteUInt16(header, ref position, isFloat ? (ushort)3 : (ushort)1);
            s_subFormatGuidTail.CopyTo(header[position..]);
            position += s_subFormatGuidTail.Length;
        }
        else if (isFloat)
        {
            WriteUInt16(header, ref position, 0);
        }

        if (hasFact)
        {
            WriteAscii(header, ref position, "fact");
            WriteUInt32(header, ref position, 4);
            WriteUInt32(header, ref position, (uint)clip.Frames);
        }

        WriteAscii(header, ref position, "data");
        WriteUInt32(header, ref position, (uint)dataBytes);
        stream.Write(header[..position]);
        WriteSamples(stream, clip, format, bytesPerSample);
        if ((dataBytes & 1) != 0)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteSamples(Stream stream, AudioClip clip, WavSampleFormat format, int bytesPerSample)
    {
        int channels = clip.ChannelCount;
        int blockAlign = channels * bytesPerSample;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(FramesPerBlock * blockAlign);
        try
        {
            for (int start = 0; start < clip.Frames; start += FramesPerBlock)
            {
                int frames = Math.Min(FramesPerBlock, clip.Frames - start);
                Span<byte> block = buffer.AsSpan(0, frames * blockAlign);
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> source = clip.Channels[c].AsSpan(start, frames);
                    int offset = c * bytesPerSample;
                    switch (format)
                    {
                        case WavSampleFormat.Pcm16:
                            for (int i = 0; i < source.Length; i++, offset += blockAlign)
                            {
                                BinaryPrimitives.WriteInt16LittleEndian(block[offset..], (short)Quantize(source[i], 32768f));
                            }

                            break;
                        case WavSampleFormat.Pcm24:
                            for (int i = 0; i < source.Length; i++, offset += blockAlign)
                            {
                                int value = Quantize(source[i], 8388608f);
                                block[offset] = (byte)value;
                                block[offset + 1] = (byte)(value >> 8);
                                block[offset + 2] = (byte)(value >> 16);
                            }

                            break;
                        default:
                            for (int i = 0; i < source.Length; i++, offset += blockAlign)
                            {
                                BinaryPrimitives.WriteSingleLittleEndian(block[offset..], source[i]);
                            }

                            break;
                    }
                }

                stream.Write(block);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Scales by <paramref name="fullScale"/>, rounds to nearest (ties to even) and saturates; NaN becomes 0.</summary>
    internal static int Quantize(float sample, float fullScale)
    {
        float scaled = MathF.Round(sample * fullScale);
        if (scaled >= fullScale - 1f)
        {
            return (int)fullScale - 1;
        }

        if (scaled <= -fullScale)
        {
            return -(int)fullScale;
        }

        return float.IsNaN(scaled) ? 0 : (int)scaled;
    }

    private static void WriteAscii(Span<byte> header, ref int position, string text)
    {
        foreach (char c in text)
        {
            header[position++] = (byte)c;
        }
    }

    private static void WriteUInt16(Span<byte> header, ref int position, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(header[position..], value);
        position += 2;
    }

    private static void WriteUInt32(Span<byte> header, ref int position, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header[position..], value);
        position += 4;
    }
}
