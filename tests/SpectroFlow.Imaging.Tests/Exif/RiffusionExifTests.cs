using System.Buffers.Binary;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Exif;

namespace SpectroFlow.Imaging.Tests.Exif;

public sealed class RiffusionExifTests
{
    [Fact]
    public void ToTiff_DefaultParams_MatchesPilLayout()
    {
        byte[] tiff = RiffusionExif.FromParams(SpectrogramParams.Riffusion, 46801012.0).ToTiff();

        Convert.ToHexString(tiff).Should().Be(
            "4D4D002A00000008000A"
            + "2AF8000300000001AC440000"
            + "2AFD00030000000100000000"
            + "2B02000300000001000A0000"
            + "2B0C00030000000100640000"
            + "2B1600030000000101900000"
            + "2B2000030000000102000000"
            + "2B2A00030000000100000000"
            + "2B3400030000000127100000"
            + "2B3E000C0000000100000086"
            + "2B48000C000000010000008E"
            + "00000000"
            + "3FD0000000000000"
            + "41865103A0000000");
    }

    [Fact]
    public void ToTiff_NegativeAndLargeIntegers_UseSignedAndLongTypes()
    {
        SpectrogramParams p = SpectrogramParams.Riffusion with { SampleRate = 96000, MinFrequency = -5 };

        byte[] tiff = RiffusionExif.FromParams(p, null).ToTiff();

        Type(tiff, 0).Should().Be(4, "96000 needs LONG");
        Type(tiff, 6).Should().Be(8, "-5 needs SSHORT");
        RiffusionExif.Parse(tiff)!.Values[RiffusionExifTag.MinFrequency].Should().Be(-5);
    }

    [Fact]
    public void Parse_LittleEndianWithPrefixOtherTypesAndUnrelatedTags_ReadsParams()
    {
        // II byte order, "Exif\0\0" prefix, Orientation (274) first, SAMPLE_RATE as LONG, STEP as BYTE,
        // POWER_FOR_IMAGE as FLOAT, MAX_VALUE as RATIONAL, MAX_FREQUENCY as DOUBLE holding an integer.
        var entries = new List<(ushort Tag, ushort Type, byte[] Value)>
        {
            (274, 3, Short(1)),
            (11000, 4, BitConverter.GetBytes(48000u)),
            (11005, 3, Short(1)),
            (11010, 1, [20, 0, 0, 0]),
            (11020, 3, Short(100)),
            (11030, 3, Short(400)),
            (11040, 3, Short(256)),
            (11050, 8, Short(20)),
            (11060, 12, BitConverter.GetBytes(20000.0)),
            (11070, 11, BitConverter.GetBytes(0.5f)),
            (11080, 5, [.. BitConverter.GetBytes(7u), .. BitConverter.GetBytes(2u)]),
        };
        byte[] tiff = LittleEndianTiff(entries);

        RiffusionExif exif = RiffusionExif.Parse([.. "Exif\0\0"u8, .. tiff])!;

        exif.Should().NotBeNull();
        exif.TryGetParams(SpectrogramParams.Riffusion, out SpectrogramParams p).Should().BeTrue();
        p.Should().Be(SpectrogramParams.Riffusion with
        {
            SampleRate = 48000,
            Stereo = true,
            StepSizeMs = 20,
            NumFrequencies = 256,
            MinFrequency = 20,
            MaxFrequency = 20000,
            PowerForImage = 0.5,
        });
        exif.MaxValue.Should().Be(3.5);
        exif.Values.Should().HaveCount(10, "Orientation is ignored");
    }

    [Fact]
    public void TryGetParams_MissingTag_ReturnsFalseAndFallback()
    {
        byte[] tiff = RiffusionExif.FromParams(SpectrogramParams.Riffusion with { Stereo = true }, 1.0).ToTiff();
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10 + 12 * 2), 11011); // STEP_SIZE_MS -> unknown tag

        RiffusionExif exif = RiffusionExif.Parse(tiff)!;

        exif.TryGetParams(SpectrogramParams.Chavinlo, out SpectrogramParams p).Should().BeFalse();
        p.Should().BeSameAs(SpectrogramParams.Chavinlo);
        exif.MaxValue.Should().Be(1.0);
    }

    [Fact]
    public void TryGetParams_ChavinloFallback_SwitchesToPerImageMax()
    {
        RiffusionExif exif = RiffusionExif.Parse(RiffusionExif.FromParams(SpectrogramParams.Riffusion, null).ToTiff())!;

        exif.TryGetParams(SpectrogramParams.Chavinlo, out SpectrogramParams p).Should().BeTrue();

        p.Scale.Should().Be(IntensityScale.PerImageMax);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4D4D")]
    [InlineData("4D4D002B00000008")] // bad magic
    [InlineData("5858002A00000008")] // bad byte order mark
    [InlineData("4D4D002A0000FFFF")] // IFD outside
    [InlineData("4D4D002A00000008FFFF")] // entry table outside
    public void Parse_Malformed_ReturnsNull(string hex)
    {
        RiffusionExif.Parse(Convert.FromHexString(hex)).Should().BeNull();
    }

    [Fact]
    public void FormatLines_NonDefault_FormatsLikePython()
    {
        SpectrogramParams p = SpectrogramParams.Riffusion with { Stereo = true, SampleRate = 96000, PowerForImage = 0.5 };

        IReadOnlyList<string> lines = RiffusionExif.FromParams(p, 1e16).FormatLines();

        lines[0].Should().Be("SAMPLE_RATE          =           96000");
        lines[1].Should().Be("STEREO               =               1");
        lines[8].Should().Be("POWER_FOR_IMAGE      =             0.5");
        lines[9].Should().Be("MAX_VALUE            =           1e+16");
    }

    private static int Type(byte[] tiff, int entry) => BinaryPrimitives.ReadUInt16BigEndian(tiff.AsSpan(10 + entry * 12 + 2));

    private static byte[] Short(ushort v) => [(byte)v, (byte)(v >> 8), 0, 0];

    private static byte[] LittleEndianTiff(List<(ushort Tag, ushort Type, byte[] Value)> entries)
    {
        int dataAt = 8 + 2 + entries.Count * 12 + 4;
        var head = new List<byte> { (byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0 };
        head.AddRange(BitConverter.GetBytes((ushort)entries.Count));
        var data = new List<byte>();
        foreach ((ushort tag, ushort type, byte[] value) in entries)
        {
            head.AddRange(BitConverter.GetBytes(tag));
            head.AddRange(BitConverter.GetBytes(type));
            head.AddRange(BitConverter.GetBytes(1u));
            if (value.Length > 4)
            {
                head.AddRange(BitConverter.GetBytes((uint)(dataAt + data.Count)));
                data.AddRange(value);
            }
            else
            {
                head.AddRange(value);
            }
        }

        head.AddRange(new byte[4]);
        return [.. head, .. data];
    }
}
