namespace SpectroFlow.Audio.Codecs;

/// <summary>A parsed 4-byte MPEG-1/2/2.5 audio frame header (Layer I, II or III).</summary>
/// <param name="Version">Version bits: 0 = MPEG-2.5, 2 = MPEG-2, 3 = MPEG-1.</param>
/// <param name="Layer">1, 2 or 3.</param>
/// <param name="SampleRate">Samples per second.</param>
/// <param name="Channels">1 (mono) or 2.</param>
/// <param name="FrameLength">Bytes in the frame, header included.</param>
internal readonly record struct MpegAudioFrameHeader(int Version, int Layer, int SampleRate, int Channels, int FrameLength)
{
    // Bitrates in kbit/s by [table][index]; tables: V1 L1, V1 L2, V1 L3, V2/2.5 L1, V2/2.5 L2&L3.
    private static readonly int[][] s_bitrates =
    [
        [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
        [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
        [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
        [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    ];

    private static readonly int[] s_mpeg1SampleRates = [44100, 48000, 32000];

    /// <summary>More than the largest frame a header can describe (2881 bytes: MPEG-2.5 Layer II, 160 kbit/s at 8 kHz).</summary>
    public const int MaxFrameLength = 4096;

    /// <summary>Bitrate in bits per second.</summary>
    public int Bitrate { get; init; }

    /// <summary>The two sample-rate index bits.</summary>
    public int SampleRateIndex { get; init; }

    /// <summary>The four bitrate index bits.</summary>
    public int BitrateIndex { get; init; }

    /// <summary>Channel mode bits: 0 stereo, 1 joint stereo, 2 dual channel, 3 mono.</summary>
    public int ChannelMode { get; init; }

    /// <summary>The two mode-extension bits (joint stereo).</summary>
    public int ModeExtension { get; init; }

    /// <summary>A 16-bit CRC follows the header.</summary>
    public bool HasCrc { get; init; }

    /// <summary>The copyright bit.</summary>
    public bool IsCopyrighted { get; init; }

    /// <summary>Samples per channel the frame decodes to.</summary>
    public int SamplesPerFrame => Layer == 1 ? 384 : Layer == 3 && Version != 3 ? 576 : 1152;

    /// <summary>Bytes of Layer III side information after the header (and CRC), where a Xing/Info tag starts.</summary>
    public int SideInfoLength => Version == 3 ? (Channels == 1 ? 17 : 32) : (Channels == 1 ? 9 : 17);

    /// <summary>Parses <paramref name="bytes"/> (at least 4) as a frame header; false for anything invalid or free-format.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out MpegAudioFrameHeader header)
    {
        header = default;
        if (bytes.Length < 4 || bytes[0] != 0xFF || (bytes[1] & 0xE0) != 0xE0)
        {
            return false;
        }

        int versionBits = (bytes[1] >> 3) & 3; // 0 = 2.5, 1 = reserved, 2 = 2, 3 = 1
        int layerBits = (bytes[1] >> 1) & 3; // 0 = reserved, 1 = III, 2 = II, 3 = I
        int bitrateIndex = bytes[2] >> 4;
        int sampleRateIndex = (bytes[2] >> 2) & 3;
        int padding = (bytes[2] >> 1) & 1;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex is 0 or 15 || sampleRateIndex == 3)
        {
            return false;
        }

        int layer = 4 - layerBits;
        bool isMpeg1 = versionBits == 3;
        int table = isMpeg1 ? layer - 1 : (layer == 1 ? 3 : 4);
        int bitrate = s_bitrates[table][bitrateIndex] * 1000;
        int sampleRate = s_mpeg1SampleRates[sampleRateIndex] >> (versionBits == 3 ? 0 : versionBits == 2 ? 1 : 2);
        int frameLength = layer switch
        {
            1 => ((12 * bitrate / sampleRate) + padding) * 4,
            3 when !isMpeg1 => (72 * bitrate / sampleRate) + padding,
            _ => (144 * bitrate / sampleRate) + padding,
        };
        int channelMode = bytes[3] >> 6;
        int channels = channelMode == 3 ? 1 : 2;
        header = new MpegAudioFrameHeader(versionBits, layer, sampleRate, channels, frameLength)
        {
            Bitrate = bitrate,
            SampleRateIndex = sampleRateIndex,
            BitrateIndex = bitrateIndex,
            ChannelMode = channelMode,
            ModeExtension = (bytes[3] >> 4) & 3,
            HasCrc = (bytes[1] & 1) == 0,
            IsCopyrighted = (bytes[3] & 8) != 0,
        };
        return true;
    }

    /// <summary>True when <paramref name="other"/> could belong to the same stream (same version, layer and rate).</summary>
    public bool IsCompatibleWith(MpegAudioFrameHeader other) =>
        Version == other.Version && Layer == other.Layer && SampleRate == other.SampleRate;

    /// <summary>True when <paramref name="other"/> can be decoded in the same output as this frame (also the same channel count).</summary>
    public bool IsSameStreamAs(MpegAudioFrameHeader other) => IsCompatibleWith(other) && Channels == other.Channels;
}
