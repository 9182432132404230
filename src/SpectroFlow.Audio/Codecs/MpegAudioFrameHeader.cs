namespace SpectroFlow.Audio.Codecs;

/// <summary>A parsed 4-byte MPEG-1/2/2.5 audio frame header (Layer I, II or III).</summary>
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
        int channels = (bytes[3] >> 6) == 3 ? 1 : 2;
        header = new MpegAudioFrameHeader(versionBits, layer, sampleRate, channels, frameLength);
        return true;
    }

    /// <summary>True when <paramref name="other"/> could belong to the same stream (same version, layer and rate).</summary>
    public bool IsCompatibleWith(MpegAudioFrameHeader other) =>
        Version == other.Version && Layer == other.Layer && SampleRate == other.SampleRate;
}
