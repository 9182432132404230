using System.Buffers.Binary;
using System.Globalization;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Imaging.Exif;

/// <summary>
/// Riffusion's spectrogram parameters as EXIF: a TIFF structure (the payload of a PNG <c>eXIf</c> chunk) whose IFD0
/// holds tags 11000..11080 (<see cref="RiffusionExifTag"/>). Writing reproduces PIL's layout byte for byte
/// (big-endian "MM", IFD at offset 8, entries sorted by tag, SHORT for integers up to 65535, LONG above, SSHORT/SLONG
/// for negatives, DOUBLE for floats stored after the IFD, next-IFD 0). Reading accepts both byte orders, an optional
/// "Exif\0\0" prefix and the types BYTE, SHORT, LONG, RATIONAL, SBYTE, SSHORT, SLONG, SRATIONAL, FLOAT and DOUBLE;
/// unrelated tags are ignored.
/// </summary>
public sealed class RiffusionExif
{
    private const int HeaderSize = 8;
    private const int EntrySize = 12;

    // tag -> (value, stored as an integer TIFF type)
    private readonly SortedDictionary<RiffusionExifTag, (double Value, bool IsInteger)> _entries;

    private RiffusionExif(SortedDictionary<RiffusionExifTag, (double Value, bool IsInteger)> entries)
    {
        _entries = entries;
    }

    /// <summary>The Riffusion tags present, by tag, in tag order.</summary>
    public IReadOnlyDictionary<RiffusionExifTag, double> Values
    {
        get
        {
            var values = new SortedDictionary<RiffusionExifTag, double>();
            foreach (KeyValuePair<RiffusionExifTag, (double Value, bool IsInteger)> entry in _entries)
            {
                values.Add(entry.Key, entry.Value.Value);
            }

            return values;
        }
    }

    /// <summary>MAX_VALUE (tag 11080) when present.</summary>
    public double? MaxValue => _entries.TryGetValue(RiffusionExifTag.MaxValue, out (double Value, bool IsInteger) e) ? e.Value : null;

    /// <summary>The tags Riffusion writes for <paramref name="parameters"/>; MAX_VALUE only when <paramref name="maxValue"/> is given.</summary>
    public static RiffusionExif FromParams(SpectrogramParams parameters, double? maxValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var entries = new SortedDictionary<RiffusionExifTag, (double Value, bool IsInteger)>
        {
            [RiffusionExifTag.SampleRate] = (parameters.SampleRate, true),
            [RiffusionExifTag.Stereo] = (parameters.Stereo ? 1 : 0, true),
            [RiffusionExifTag.StepSizeMs] = (parameters.StepSizeMs, true),
            [RiffusionExifTag.WindowDurationMs] = (parameters.WindowDurationMs, true),
            [RiffusionExifTag.PaddedDurationMs] = (parameters.PaddedDurationMs, true),
            [RiffusionExifTag.NumFrequencies] = (parameters.NumFrequencies, true),
            [RiffusionExifTag.MinFrequency] = (parameters.MinFrequency, true),
            [RiffusionExifTag.MaxFrequency] = (parameters.MaxFrequency, true),
            [RiffusionExifTag.PowerForImage] = (parameters.PowerForImage, false),
        };
        if (maxValue is double max)
        {
            entries[RiffusionExifTag.MaxValue] = (max, false);
        }

        return new RiffusionExif(entries);
    }

    /// <summary>
    /// Parses a TIFF/EXIF payload (optionally prefixed by "Exif\0\0"). Returns null when the header or the IFD0
    /// entry table is structurally invalid (bad byte order mark, magic, or offsets outside the payload); single
    /// entries whose values lie outside the payload or have unsupported types are skipped. Never throws.
    /// </summary>
    public static RiffusionExif? Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.StartsWith("Exif\0\0"u8))
        {
            payload = payload[6..];
        }

        if (payload.Length < HeaderSize)
        {
            return null;
        }

        bool bigEndian;
        if (payload[0] == (byte)'M' && payload[1] == (byte)'M')
        {
            bigEndian = true;
        }
        else if (payload[0] == (byte)'I' && payload[1] == (byte)'I')
        {
            bigEndian = false;
        }
        else
        {
            return null;
        }

        var reader = new TiffReader(payload, bigEndian);
        if (reader.UInt16(2) != 42)
        {
            return null;
        }

        long ifd = reader.UInt32(4);
        if (ifd < HeaderSize || ifd + 2 > payload.Length)
        {
            return null;
        }

        int count = reader.UInt16((int)ifd);
        if (ifd + 2 + (long)count * EntrySize > payload.Length)
        {
            return null;
        }

        var entries = new SortedDictionary<RiffusionExifTag, (double Value, bool IsInteger)>();
        for (int i = 0; i < count; i++)
        {
            int at = (int)ifd + 2 + i * EntrySize;
            int tag = reader.UInt16(at);
            if (!Enum.IsDefined((RiffusionExifTag)tag) || entries.ContainsKey((RiffusionExifTag)tag))
            {
                continue;
            }

            if (reader.TryReadValue(at, out double value, out bool isInteger))
            {
                entries.Add((RiffusionExifTag)tag, (value, isInteger));
            }
        }

        return new RiffusionExif(entries);
    }

    /// <summary>
    /// Builds spectrogram parameters from tags 11000..11070 the way Riffusion's <c>SpectrogramParams.from_exif</c>
    /// does: false when any of them is missing, not an integer where one is expected, or gives parameters that fail
    /// <see cref="SpectrogramParams.Validate"/>. Fields EXIF does not carry (Griffin-Lim iterations, max volume)
    /// come from <paramref name="fallback"/>; the scale is always Riffusion's per-image max.
    /// </summary>
    public bool TryGetParams(SpectrogramParams fallback, out SpectrogramParams parameters)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        parameters = fallback;
        if (!TryInt(RiffusionExifTag.SampleRate, out int sampleRate)
            || !TryInt(RiffusionExifTag.Stereo, out int stereo)
            || !TryInt(RiffusionExifTag.StepSizeMs, out int step)
            || !TryInt(RiffusionExifTag.WindowDurationMs, out int window)
            || !TryInt(RiffusionExifTag.PaddedDurationMs, out int padded)
            || !TryInt(RiffusionExifTag.NumFrequencies, out int frequencies)
            || !TryInt(RiffusionExifTag.MinFrequency, out int minFrequency)
            || !TryInt(RiffusionExifTag.MaxFrequency, out int maxFrequency)
            || !_entries.TryGetValue(RiffusionExifTag.PowerForImage, out (double Value, bool IsInteger) power))
        {
            return false;
        }

        SpectrogramParams candidate = fallback with
        {
            SampleRate = sampleRate,
            Stereo = stereo != 0,
            StepSizeMs = step,
            WindowDurationMs = window,
            PaddedDurationMs = padded,
            NumFrequencies = frequencies,
            MinFrequency = minFrequency,
            MaxFrequency = maxFrequency,
            PowerForImage = power.Value,
            Scale = IntensityScale.PerImageMax,
        };
        if (candidate.Validate().Count > 0)
        {
            return false;
        }

        parameters = candidate;
        return true;
    }

    /// <summary>Serialises the tags as a big-endian TIFF exactly as PIL writes Riffusion's EXIF.</summary>
    public byte[] ToTiff()
    {
        int count = _entries.Count;
        int dataStart = HeaderSize + 2 + count * EntrySize + 4;
        int doubles = 0;
        foreach (KeyValuePair<RiffusionExifTag, (double Value, bool IsInteger)> entry in _entries)
        {
            if (!entry.Value.IsInteger || !FitsInt32(entry.Value.Value))
            {
                doubles++;
            }
        }

        byte[] tiff = new byte[dataStart + doubles * 8];
        Span<byte> span = tiff;
        "MM\0*"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], HeaderSize);
        BinaryPrimitives.WriteUInt16BigEndian(span[HeaderSize..], (ushort)count);
        int at = HeaderSize + 2;
        int data = dataStart;
        foreach (KeyValuePair<RiffusionExifTag, (double Value, bool IsInteger)> entry in _entries)
        {
            Span<byte> e = span.Slice(at, EntrySize);
            BinaryPrimitives.WriteUInt16BigEndian(e, (ushort)entry.Key);
            BinaryPrimitives.WriteUInt32BigEndian(e[4..], 1);
            double value = entry.Value.Value;
            if (entry.Value.IsInteger && FitsInt32(value))
            {
                long v = (long)value;
                if (v is >= 0 and <= ushort.MaxValue)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(e[2..], TiffReader.Short);
                    BinaryPrimitives.WriteUInt16BigEndian(e[8..], (ushort)v);
                }
                else if (v >= 0)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(e[2..], TiffReader.Long);
                    BinaryPrimitives.WriteUInt32BigEndian(e[8..], (uint)v);
                }
                else if (v >= short.MinValue)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(e[2..], TiffReader.SShort);
                    BinaryPrimitives.WriteInt16BigEndian(e[8..], (short)v);
                }
                else
                {
                    BinaryPrimitives.WriteUInt16BigEndian(e[2..], TiffReader.SLong);
                    BinaryPrimitives.WriteInt32BigEndian(e[8..], (int)v);
                }
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(e[2..], TiffReader.Double);
                BinaryPrimitives.WriteUInt32BigEndian(e[8..], (uint)data);
                BinaryPrimitives.WriteDoubleBigEndian(span[data..], value);
                data += 8;
            }

            at += EntrySize;
        }

        // next-IFD offset (4 zero bytes) is already zero.
        return tiff;
    }

    /// <summary>
    /// Lines as Riffusion's <c>print-exif</c> prints them: name left-justified to 20, " = ", value right-justified
    /// to 15, integers as integers and floats as Python prints them (e.g. <c>0.25</c>, <c>46801012.0</c>).
    /// Tags appear in tag order; unrelated tags are not listed (Riffusion would fail on them).
    /// </summary>
    public IReadOnlyList<string> FormatLines()
    {
        var lines = new List<string>(_entries.Count);
        foreach (KeyValuePair<RiffusionExifTag, (double Value, bool IsInteger)> entry in _entries)
        {
            string value = entry.Value.IsInteger
                ? ((long)entry.Value.Value).ToString(CultureInfo.InvariantCulture)
                : PythonFloat.Repr(entry.Value.Value);
            lines.Add($"{TagName(entry.Key),-20} = {value,15}");
        }

        return lines;
    }

    /// <summary>Riffusion's name of <paramref name="tag"/>, e.g. <c>NUM_FREQUENCIES</c>.</summary>
    public static string TagName(RiffusionExifTag tag) => tag switch
    {
        RiffusionExifTag.SampleRate => "SAMPLE_RATE",
        RiffusionExifTag.Stereo => "STEREO",
        RiffusionExifTag.StepSizeMs => "STEP_SIZE_MS",
        RiffusionExifTag.WindowDurationMs => "WINDOW_DURATION_MS",
        RiffusionExifTag.PaddedDurationMs => "PADDED_DURATION_MS",
        RiffusionExifTag.NumFrequencies => "NUM_FREQUENCIES",
        RiffusionExifTag.MinFrequency => "MIN_FREQUENCY",
        RiffusionExifTag.MaxFrequency => "MAX_FREQUENCY",
        RiffusionExifTag.PowerForImage => "POWER_FOR_IMAGE",
        RiffusionExifTag.MaxValue => "MAX_VALUE",
        _ => ((int)tag).ToString(CultureInfo.InvariantCulture),
    };

    private static bool FitsInt32(double value) => value is >= int.MinValue and <= int.MaxValue && value == Math.Floor(value);

    private bool TryInt(RiffusionExifTag tag, out int value)
    {
        value = 0;
        if (!_entries.TryGetValue(tag, out (double Value, bool IsInteger) entry) || !FitsInt32(entry.Value))
        {
            return false;
        }

        value = (int)entry.Value;
        return true;
    }

    private readonly ref struct TiffReader
    {
        internal const ushort Byte = 1;
        internal const ushort Short = 3;
        internal const ushort Long = 4;
        internal const ushort Rational = 5;
        internal const ushort SByte = 6;
        internal const ushort SShort = 8;
        internal const ushort SLong = 9;
        internal const ushort SRational = 10;
        internal const ushort Float = 11;
        internal const ushort Double = 12;

        private readonly ReadOnlySpan<byte> _data;
        private readonly bool _bigEndian;

        public TiffReader(ReadOnlySpan<byte> data, bool bigEndian)
        {
            _data = data;
            _bigEndian = bigEndian;
        }

        public ushort UInt16(int at) => _bigEndian
            ? BinaryPrimitives.ReadUInt16BigEndian(_data[at..])
            : BinaryPrimitives.ReadUInt16LittleEndian(_data[at..]);

        public uint UInt32(int at) => _bigEndian
            ? BinaryPrimitives.ReadUInt32BigEndian(_data[at..])
            : BinaryPrimitives.ReadUInt32LittleEndian(_data[at..]);

        // Reads the first value of the IFD entry at 'entry'; false for unsupported types, count 0 or bad offsets.
        public bool TryReadValue(int entry, out double value, out bool isInteger)
        {
            value = 0;
            isInteger = false;
            ushort type = UInt16(entry + 2);
            uint count = UInt32(entry + 4);
            int size = type switch
            {
                Byte or SByte => 1,
                Short or SShort => 2,
                Long or SLong or Float => 4,
                Rational or SRational or Double => 8,
                _ => 0,
            };
            if (size == 0 || count == 0)
            {
                return false;
            }

            long total = (long)size * count;
            long at = entry + 8;
            if (total > 4)
            {
                at = UInt32(entry + 8);
                if (at + size > _data.Length)
                {
                    return false;
                }
            }

            int p = (int)at;
            switch (type)
            {
                case Byte:
                    value = _data[p];
                    isInteger = true;
                    break;
                case SByte:
                    value = (sbyte)_data[p];
                    isInteger = true;
                    break;
                case Short:
                    value = UInt16(p);
                    isInteger = true;
                    break;
                case SShort:
                    value = (short)UInt16(p);
                    isInteger = true;
                    break;
                case Long:
                    value = UInt32(p);
                    isInteger = true;
                    break;
                case SLong:
                    value = (int)UInt32(p);
                    isInteger = true;
                    break;
                case Rational:
                    value = Ratio(UInt32(p), UInt32(p + 4));
                    break;
                case SRational:
                    value = Ratio((int)UInt32(p), (int)UInt32(p + 4));
                    break;
                case Float:
                    value = BitConverter.Int32BitsToSingle((int)UInt32(p));
                    break;
                default:
                    ulong bits = _bigEndian
                        ? BinaryPrimitives.ReadUInt64BigEndian(_data[p..])
                        : BinaryPrimitives.ReadUInt64LittleEndian(_data[p..]);
                    value = BitConverter.UInt64BitsToDouble(bits);
                    break;
            }

            return true;
        }

        private static double Ratio(double numerator, double denominator) => denominator == 0 ? double.NaN : numerator / denominator;
    }
}
