using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Reads RIFF/WAVE and RF64 files sequentially (the stream need not be seekable, so ffmpeg's piped output works):
/// PCM 8/16/24/32-bit, IEEE float 32/64-bit and WAVE_FORMAT_EXTENSIBLE with either, any channel count and rate.
/// A data chunk that is longer than the file (a truncated download, or a streamed file whose size was never filled
/// in) is decoded up to the last whole frame present; a truncated or inconsistent header is rejected.
/// </summary>
internal sealed class WavReader : AudioStreamReader
{
    private const ushort FormatPcm = 0x0001;
    private const ushort FormatIeeeFloat = 0x0003;
    private const ushort FormatExtensible = 0xFFFE;
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxChannels = 256;
    private const int MaxSampleRate = 2_000_000;
    private const int ReadBlockBytes = 1 << 18;

    // The GUID tail shared by every KSDATAFORMAT_SUBTYPE_* that wraps a classic format tag.
    private static readonly byte[] s_subFormatGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private static readonly Dictionary<ushort, string> s_formatTagNames = new()
    {
        [0x0002] = "Microsoft ADPCM",
        [0x0006] = "A-law",
        [0x0007] = "mu-law",
        [0x0011] = "IMA ADPCM",
        [0x0031] = "GSM 6.10",
        [0x0040] = "G.721 ADPCM",
        [0x0050] = "MPEG Layer I/II",
        [0x0055] = "MPEG Layer III (MP3)",
        [0x0161] = "Windows Media Audio",
        [0x00FF] = "AAC",
        [0x1610] = "HE-AAC",
        [0x2000] = "AC-3",
        [0x2001] = "DTS",
        [0xF1AC] = "FLAC",
    };

    private enum SampleEncoding
    {
        Pcm,
        Float,
    }

    private readonly Stream _stream;
    private readonly WavFormat _format;
    private byte[]? _block;

    // Bytes of the data chunk not read yet; long.MaxValue when its size is unknown (read to the end of the stream).
    private long _remainingBytes;

    private WavReader(Stream stream, string name, WavFormat format, long dataBytes, long? totalFrames, long? statedFrames)
        : base(name)
    {
        _stream = stream;
        _format = format;
        _remainingBytes = dataBytes;
        TotalFrames = totalFrames;
        StatedFrames = statedFrames;
    }

    public override int SampleRate => _format.SampleRate;

    public override int ChannelCount => _format.Channels;

    public override long? TotalFrames { get; }

    public override long? StatedFrames { get; }

    /// <summary>
    /// Reads the header up to the start of the samples and returns a reader positioned there (the stream is read
    /// sequentially from its current position and is not disposed).
    /// </summary>
    public static WavReader Open(Stream stream, string name) => Open(stream, name, out _, allowUnsupportedCodec: false)!;

    /// <summary>
    /// Like <see cref="Open(Stream, string)"/>, but a valid header of an encoding this reader cannot decode (A-law, mu-law,
    /// ADPCM, ...) returns <see langword="null"/> and the format's name (<c>A-law WAV</c>) instead of throwing, so it can
    /// be decoded otherwise.
    /// </summary>
    public static WavReader? Open(Stream stream, string name, out string? unsupportedCodec, bool allowUnsupportedCodec)
    {
        unsupportedCodec = null;
        Span<byte> header = stackalloc byte[12];
        if (ReadFully(stream, header) < header.Length)
        {
            throw DecodeFailure.Create(name, "the WAV header is truncated (the file is shorter than 12 bytes)");
        }

        string container = Encoding.ASCII.GetString(header[..4]);
        if (container == "RIFX")
        {
            throw DecodeFailure.Create(name, "big-endian WAV (RIFX) is not supported; convert it to a little-endian WAV");
        }

        bool isRf64 = container is "RF64" or "BW64";
        string riffType = Encoding.ASCII.GetString(header[8..12]);
        if (riffType != "WAVE")
        {
            throw DecodeFailure.Create(name, $"it is a RIFF file of type '{Printable(riffType)}', not WAVE audio");
        }

        WavFormat? format = null;
        long? ds64DataSize = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        byte[] chunkBody = new byte[64];
        while (true)
        {
            if (ReadFully(stream, chunkHeader) < chunkHeader.Length)
            {
                string missing = format is null ? "fmt" : "data";
                throw DecodeFailure.Create(name, $"the WAV header is truncated: the file ends before the {missing} chunk");
            }

            string chunkId = Encoding.ASCII.GetString(chunkHeader[..4]);
            uint chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            switch (chunkId)
            {
                case "ds64" when isRf64:
                    {
                        int wanted = (int)Math.Min(chunkSize, 28u);
                        if (chunkSize < 16 || ReadFully(stream, chunkBody.AsSpan(0, wanted)) < wanted)
                        {
                            throw DecodeFailure.Create(name, "the RF64 header is truncated (incomplete ds64 chunk)");
                        }

                        ds64DataSize = BinaryPrimitives.ReadInt64LittleEndian(chunkBody.AsSpan(8, 8));
                        SkipOrThrow(stream, chunkSize - (uint)wanted + (chunkSize & 1), name, "ds64");
                        break;
                    }

                case "fmt ":
                    {
                        if (chunkSize < 16)
                        {
                            throw DecodeFailure.Create(name, $"the fmt chunk is too short ({chunkSize} bytes, at least 16 needed)");
                        }

                        int wanted = (int)Math.Min(chunkSize, (uint)chunkBody.Length);
                        if (ReadFully(stream, chunkBody.AsSpan(0, wanted)) < wanted)
                        {
                            throw DecodeFailure.Create(name, "the WAV header is truncated (incomplete fmt chunk)");
                        }

                        format = ParseFormat(chunkBody.AsSpan(0, wanted), name, allowUnsupportedCodec, out unsupportedCodec);
                        if (format is null)
                        {
                            return null;
                        }

                        SkipOrThrow(stream, chunkSize - (uint)wanted + (chunkSize & 1), name, "fmt");
                        break;
                    }

                case "data":
                    {
                        if (format is null)
                        {
                            throw DecodeFailure.Create(name, "the data chunk comes before the fmt chunk");
                        }

                        long declaredSize = chunkSize == UnknownSize ? -1 : chunkSize;
                        if (isRf64 && chunkSize == UnknownSize && ds64DataSize is >= 0)
                        {
                            declaredSize = ds64DataSize.Value;
                        }

                        return OpenData(stream, name, format, declaredSize);
                    }

                default:
                    SkipOrThrow(stream, (long)chunkSize + (chunkSize & 1), name, chunkId);
                    break;
            }
        }
    }

    private static WavFormat? ParseFormat(ReadOnlySpan<byte> fmt, string name, bool allowUnsupportedCodec, out string? unsupportedCodec)
    {
        unsupportedCodec = null;
        ushort formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bitsPerSample = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        ushort encodingTag = formatTag;
        if (formatTag == FormatExtensible)
        {
            if (fmt.Length < 40)
            {
                throw DecodeFailure.Create(name, $"the WAVE_FORMAT_EXTENSIBLE fmt chunk is too short ({fmt.Length} bytes, 40 needed)");
            }

            ReadOnlySpan<byte> subFormat = fmt.Slice(24, 16);
            encodingTag = BinaryPrimitives.ReadUInt16LittleEndian(subFormat);
            if (!subFormat[2..].SequenceEqual(s_subFormatGuidTail))
            {
                string subFormatName = $"WAVE_FORMAT_EXTENSIBLE sub-format {new Guid(subFormat)}";
                unsupportedCodec = $"WAV ({subFormatName})";
                return allowUnsupportedCodec
                    ? null
                    : throw DecodeFailure.Create(name, $"unsupported {subFormatName}; only PCM and IEEE float can be decoded");
            }
        }

        if (encodingTag is not FormatPcm and not FormatIeeeFloat)
        {
            unsupportedCodec = s_formatTagNames.TryGetValue(encodingTag, out string? known) ? $"{known} WAV" : $"WAV (format tag 0x{encodingTag:X4})";
            return allowUnsupportedCodec
                ? null
                : throw DecodeFailure.Create(
                    name,
                    $"unsupported WAV encoding {DescribeFormatTag(encodingTag)}; only PCM and IEEE float WAV can be decoded (convert it, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav)");
        }

        SampleEncoding encoding = encodingTag == FormatPcm ? SampleEncoding.Pcm : SampleEncoding.Float;

        if (channels == 0)
        {
            throw DecodeFailure.Create(name, "the WAV header says the file has 0 channels");
        }

        if (channels > MaxChannels)
        {
            throw DecodeFailure.Create(name, $"the WAV header says the file has {channels} channels (at most {MaxChannels} are supported)");
        }

        if (sampleRate == 0 || sampleRate > MaxSampleRate)
        {
            throw DecodeFailure.Create(name, $"the WAV header has an invalid sample rate of {sampleRate} Hz (1 to {MaxSampleRate} Hz supported)");
        }

        int bytesPerSample = (bitsPerSample + 7) / 8;
        bool supportedWidth = encoding == SampleEncoding.Pcm ? bitsPerSample is >= 1 and <= 32 : bitsPerSample is 32 or 64;
        if (!supportedWidth)
        {
            string kind = encoding == SampleEncoding.Pcm ? "PCM" : "float";
            throw DecodeFailure.Create(name, $"unsupported {kind} sample size of {bitsPerSample} bits");
        }

        if (blockAlign != bytesPerSample * channels)
        {
            throw DecodeFailure.Create(
                name,
                $"inconsistent WAV header: block align is {blockAlign} bytes but {channels} ch x {bitsPerSample} bits needs {bytesPerSample * channels}");
        }

        return new WavFormat(encoding, channels, (int)sampleRate, bytesPerSample, blockAlign);
    }

    private static WavReader OpenData(Stream stream, string name, WavFormat format, long declaredSize)
    {
        long available = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : -1;
        long bytesToRead = declaredSize;
        if (declaredSize < 0 || (available >= 0 && declaredSize > available))
        {
            // Truncated (or size never filled in): decode the whole frames that are present.
            bytesToRead = available;
        }

        long expectedFrames = bytesToRead >= 0 ? bytesToRead / format.BlockAlign : 0;
        if (bytesToRead >= 0 && expectedFrames == 0)
        {
            throw declaredSize > 0
                ? DecodeFailure.Create(name, $"the data chunk declares {declaredSize} bytes but the file ends before the first sample frame")
                : DecodeFailure.NoAudio(name);
        }

        if (bytesToRead < 0)
        {
            return new WavReader(stream, name, format, long.MaxValue, null, declaredSize >= 0 ? declaredSize / format.BlockAlign : null);
        }

        long statedFrames = declaredSize >= 0 ? declaredSize / format.BlockAlign : expectedFrames;
        var reader = new WavReader(stream, name, format, expectedFrames * format.BlockAlign, expectedFrames, statedFrames);
        if (statedFrames > expectedFrames)
        {
            reader.WarnShortfall(
                $"the file is cut short: its data chunk states {reader.Seconds(statedFrames)} of audio but only {reader.Seconds(expectedFrames)} " +
                $"are present; {reader.Seconds(statedFrames - expectedFrames)} missing (from {reader.Seconds(expectedFrames)} to {reader.Seconds(statedFrames)})");
        }

        return reader;
    }

    protected override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        int blockAlign = _format.BlockAlign;
        if (_remainingBytes < blockAlign)
        {
            return 0;
        }

        int framesPerBlock = Math.Max(1, ReadBlockBytes / blockAlign);
        _block ??= ArrayPool<byte>.Shared.Rent(framesPerBlock * blockAlign);
        int wanted = (int)Math.Min(_remainingBytes, (long)Math.Min(frameCount, framesPerBlock) * blockAlign);
        int got = ReadFully(_stream, _block.AsSpan(0, wanted));
        int frames = got / blockAlign;

        // A short read is the end of the file: a partial last frame is dropped (truncated-data rule).
        _remainingBytes = got < wanted ? 0 : _remainingBytes - got;
        ReadOnlySpan<byte> bytes = _block.AsSpan(0, frames * blockAlign);
        for (int c = 0; c < _format.Channels; c++)
        {
            Convert(bytes, _format, c, destination[c].AsSpan(offset, frames));
        }

        return frames;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _block is not null)
        {
            ArrayPool<byte>.Shared.Return(_block);
            _block = null;
        }

        base.Dispose(disposing);
    }

    /// <summary>Converts channel <paramref name="channel"/> of interleaved frames to floats at full scale 1.0.</summary>
    private static void Convert(ReadOnlySpan<byte> frames, WavFormat format, int channel, Span<float> destination)
    {
        int stride = format.BlockAlign;
        int offset = channel * format.BytesPerSample;
        switch (format.Encoding, format.BytesPerSample)
        {
            case (SampleEncoding.Pcm, 1):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    destination[i] = (frames[offset] - 128) / 128f;
                }

                break;
            case (SampleEncoding.Pcm, 2):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(frames[offset..]) / 32768f;
                }

                break;
            case (SampleEncoding.Pcm, 3):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    int value = frames[offset] | (frames[offset + 1] << 8) | ((sbyte)frames[offset + 2] << 16);
                    destination[i] = value / 8388608f;
                }

                break;
            case (SampleEncoding.Pcm, 4):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    destination[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(frames[offset..]) / 2147483648.0);
                }

                break;
            case (SampleEncoding.Float, 4):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(frames[offset..]);
                }

                break;
            case (SampleEncoding.Float, 8):
                for (int i = 0; i < destination.Length; i++, offset += stride)
                {
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(frames[offset..]);
                }

                break;
            default:
                throw new InvalidOperationException($"Unhandled WAV sample layout {format.Encoding}/{format.BytesPerSample}.");
        }
    }

    private static string DescribeFormatTag(ushort tag) =>
        s_formatTagNames.TryGetValue(tag, out string? known) ? $"'{known}' (format tag 0x{tag:X4})" : $"with format tag 0x{tag:X4}";

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return builder.ToString();
    }

    private static void SkipOrThrow(Stream stream, long count, string name, string chunkId)
    {
        if (count == 0)
        {
            return;
        }

        if (stream.CanSeek)
        {
            if (stream.Length - stream.Position < count)
            {
                throw DecodeFailure.Create(name, $"the WAV header is truncated: the '{Printable(chunkId)}' chunk runs past the end of the file and no data chunk follows");
            }

            stream.Seek(count, SeekOrigin.Current);
            return;
        }

        byte[] scratch = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            while (count > 0)
            {
                int got = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (got == 0)
                {
                    throw DecodeFailure.Create(name, $"the WAV header is truncated: the '{Printable(chunkId)}' chunk runs past the end of the file and no data chunk follows");
                }

                count -= got;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private sealed record WavFormat(SampleEncoding Encoding, int Channels, int SampleRate, int BytesPerSample, int BlockAlign);
}
