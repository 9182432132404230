using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Imaging.Tests;

public sealed class SpectrogramImageMapperTests
{
    private static readonly SpectrogramParams s_mono4 = SpectrogramParams.Riffusion with { NumFrequencies = 4 };

    // 4 mel bins x 3 frames, row-major [mel][frame]; max 16.
    // (v/16)^0.25 -> 255 - 255 y, truncated: 16 -> 0, 8 -> 40.57 -> 40, 4 -> 74.69 -> 74, 2 -> 103.38 -> 103,
    // 1 -> 127.5 -> 127, 0 -> 255.
    private static readonly float[] s_values =
    [
        16f, 8f, 4f, // mel bin 0 (lowest) -> bottom row 3
        2f, 1f, 0f, // mel bin 1 -> row 2
        0f, 0f, 1f, // mel bin 2 -> row 1
        8f, 0f, 0f, // mel bin 3 (highest) -> top row 0
    ];

    [Fact]
    public void ToImage_MonoKnownValues_TruncatesAndFlips()
    {
        var mel = new MelSpectrogram(s_mono4, 4, 3, [s_values]);

        SpectrogramImage image = SpectrogramImageMapper.ToImage(mel);

        image.Width.Should().Be(3);
        image.Height.Should().Be(4);
        image.MaxValue.Should().Be(16.0);
        image.Parameters.Should().BeSameAs(s_mono4);
        byte[,] expected =
        {
            { 40, 255, 255 },
            { 255, 255, 127 },
            { 103, 127, 255 },
            { 0, 40, 74 },
        };
        for (int row = 0; row < 4; row++)
        {
            for (int col = 0; col < 3; col++)
            {
                for (int c = 0; c < 3; c++)
                {
                    image[row, col, c].Should().Be(expected[row, col], $"pixel ({row}, {col}) channel {c}");
                }
            }
        }
    }

    [Fact]
    public void ToImage_StereoKnownValues_PutsChannelsInGreenAndBlueWithGlobalMax()
    {
        SpectrogramParams stereo = s_mono4 with { Stereo = true, NumFrequencies = 2 };
        float[] left = [1f, 0f, 8f, 2f]; // bins 0 and 1, 2 frames
        float[] right = [16f, 4f, 0f, 1f];
        var mel = new MelSpectrogram(stereo, 2, 2, [left, right]);

        SpectrogramImage image = SpectrogramImageMapper.ToImage(mel);

        image.MaxValue.Should().Be(16.0);
        // row 0 = bin 1, row 1 = bin 0.
        image.Rgb.Should().Equal(
            0, 40, 255, /**/ 0, 103, 127,
            0, 127, 0, /**/ 0, 255, 74);
    }

    [Fact]
    public void ToImage_AllSilent_IsWhiteWithZeroMax()
    {
        var mel = new MelSpectrogram(s_mono4, 4, 3, [new float[12]]);

        SpectrogramImage image = SpectrogramImageMapper.ToImage(mel);

        image.Rgb.Should().OnlyContain(b => b == 255);
        image.MaxValue.Should().Be(0.0);
    }

    [Fact]
    public void ToImage_NegativeAndNaN_AreTreatedAsSilence()
    {
        float[] values = [16f, -3f, float.NaN, 1f];
        var mel = new MelSpectrogram(s_mono4 with { NumFrequencies = 1 }, 1, 4, [values]);

        SpectrogramImage image = SpectrogramImageMapper.ToImage(mel);

        image.Rgb.Should().Equal(0, 0, 0, 255, 255, 255, 255, 255, 255, 127, 127, 127);
    }

    [Fact]
    public void ToImage_Chavinlo_UsesAbsoluteScaleAndSaturates()
    {
        // mel^0.25 * 255 / 100: 1e4 -> 25.5 -> 229; 256 -> 10.2 -> 244; 1e8 -> 255 -> 0; 1e10 -> 806 -> clamps to 0.
        SpectrogramParams chavinlo = SpectrogramParams.Chavinlo with { NumFrequencies = 1 };
        var mel = new MelSpectrogram(chavinlo, 1, 5, [[1e4f, 256f, 1e8f, 1e10f, 0f]]);

        SpectrogramImage image = SpectrogramImageMapper.ToImage(mel);

        image.MaxValue.Should().BeNull();
        image.Rgb.Should().Equal(229, 229, 229, 244, 244, 244, 0, 0, 0, 0, 0, 0, 255, 255, 255);
    }

    [Fact]
    public void ToImage_ChannelCountDisagreesWithParams_Throws()
    {
        var mel = new MelSpectrogram(s_mono4, 4, 3, [s_values, s_values]);

        Action act = () => SpectrogramImageMapper.ToImage(mel);

        act.Should().Throw<ArgumentException>().WithMessage("*2 channel(s)*mono*");
    }

    [Fact]
    public void ToMel_MonoImage_UsesRedOnlyAndFlips()
    {
        // 2 rows x 2 columns; G and B deliberately differ from R.
        byte[] rgb =
        [
            255, 0, 0, /**/ 0, 255, 255,
            127, 1, 2, /**/ 254, 9, 9,
        ];
        var image = new SpectrogramImage(2, 2, rgb, s_mono4 with { NumFrequencies = 2 });

        MelSpectrogram mel = SpectrogramImageMapper.ToMel(image);

        mel.ChannelCount.Should().Be(1);
        mel.MelBins.Should().Be(2);
        mel.Frames.Should().Be(2);
        float[] m = mel.Channels[0];
        // bin 0 = bottom row: p 127 -> (128/255)^4 * 30e6, p 254 -> (1/255)^4 * 30e6.
        m[0].Should().BeApproximately((float)(Math.Pow(128.0 / 255, 4) * 30e6), 2f);
        m[1].Should().BeApproximately((float)(Math.Pow(1.0 / 255, 4) * 30e6), 1e-6f);
        m[2].Should().Be(0f);
        m[3].Should().Be(30e6f);
    }

    [Fact]
    public void ToMel_StereoImage_UsesGreenAndBlue()
    {
        byte[] rgb = [7, 0, 255, /**/ 7, 255, 0];
        var image = new SpectrogramImage(2, 1, rgb, s_mono4 with { Stereo = true, NumFrequencies = 1 });

        MelSpectrogram mel = SpectrogramImageMapper.ToMel(image);

        mel.ChannelCount.Should().Be(2);
        mel.Channels[0].Should().Equal(30e6f, 0f);
        mel.Channels[1].Should().Equal(0f, 30e6f);
    }

    [Fact]
    public void DecodeTable_Riffusion_MatchesFloat32Formula()
    {
        float[] table = SpectrogramImageMapper.DecodeTable(SpectrogramParams.Riffusion);

        table.Should().HaveCount(256);
        table[0].Should().Be(30e6f);
        table[255].Should().Be(0f);
        for (int p = 0; p < 256; p++)
        {
            float expected = MathF.Pow((255f - p) / 255f, 4f) * 30e6f;
            table[p].Should().Be(expected);
            if (p > 0)
            {
                table[p].Should().BeLessThan(table[p - 1]);
            }
        }
    }

    [Fact]
    public void DecodeTable_Chavinlo_UsesMaxVolume()
    {
        float[] table = SpectrogramImageMapper.DecodeTable(SpectrogramParams.Chavinlo);

        table[0].Should().Be(1e8f); // (255 * 100 / 255)^4
        table[255].Should().Be(0f);
        table[153].Should().BeApproximately(2.56e6f, 0.5f); // (102 * 100 / 255)^4 = 40^4
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ToMelThenToImage_AllLevels_ReproducesPixelsExactly(bool stereo)
    {
        // 256 columns (one per level) x 8 rows; the stereo blue channel runs the levels backwards.
        SpectrogramParams parameters = s_mono4 with { NumFrequencies = 8, Stereo = stereo };
        const int Width = 256;
        const int Height = 8;
        byte[] rgb = new byte[Width * Height * 3];
        for (int row = 0; row < Height; row++)
        {
            for (int x = 0; x < Width; x++)
            {
                int o = (row * Width + x) * 3;
                if (stereo)
                {
                    rgb[o + 1] = (byte)x;
                    rgb[o + 2] = (byte)(255 - x);
                }
                else
                {
                    rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte)((x + row) % 256);
                }
            }
        }

        var image = new SpectrogramImage(Width, Height, rgb, parameters);

        SpectrogramImage again = SpectrogramImageMapper.ToImage(SpectrogramImageMapper.ToMel(image));

        again.Rgb.Should().Equal(rgb);
        again.MaxValue.Should().Be(30e6);
    }

    [Fact]
    public void ToMelThenToImage_ChavinloAllLevels_ReproducesPixels()
    {
        SpectrogramParams parameters = SpectrogramParams.Chavinlo with { NumFrequencies = 1 };
        byte[] rgb = new byte[256 * 3];
        for (int x = 0; x < 256; x++)
        {
            rgb[x * 3] = rgb[x * 3 + 1] = rgb[x * 3 + 2] = (byte)x;
        }

        var image = new SpectrogramImage(256, 1, rgb, parameters);

        SpectrogramImage again = SpectrogramImageMapper.ToImage(SpectrogramImageMapper.ToMel(image));

        again.Rgb.Should().Equal(rgb);
    }

    [Theory]
    [InlineData(Fixtures.MonoPng)]
    [InlineData(Fixtures.StereoPng)]
    public void ToMelThenToImage_RiffusionFixture_ReproducesPixelsExactly(string file)
    {
        SpectrogramImage image = SpectrogramPng.Read(Fixtures.Path(file));

        SpectrogramImage again = SpectrogramImageMapper.ToImage(SpectrogramImageMapper.ToMel(image));

        again.Rgb.Should().Equal(image.Rgb);
    }
}
