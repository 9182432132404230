using SpectroFlow.Audio.Composition;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Tests.Composition;

/// <summary><see cref="BandBlend"/>: bands in mel rows, per-band schedules (lows later), energy-domain mixing.</summary>
public class BandBlendTests
{
    private static readonly BandBlendSettings s_default = new() { Bands = FrequencyBand.TryParseList("0-300,300-2000,2000-10000", out _)! };

    [Fact]
    public void BandOfRow_RiffusionParams_PutsRowsByTheirCentreFrequency()
    {
        // HTK mel centres over 0-10 kHz, 512 rows: row 66 is at 299.5 Hz, row 67 at 304.8 Hz, row 252 at 1986 Hz, row 253 at 2000.7 Hz.
        int[] bands = BandBlend.BandOfRow(SpectrogramParams.Riffusion, 512, s_default.Bands);

        bands.Count(b => b == 0).Should().Be(67);
        bands.Count(b => b == 1).Should().Be(253 - 67);
        bands.Count(b => b == 2).Should().Be(512 - 253);
        bands[66].Should().Be(0);
        bands[67].Should().Be(1);
        bands[252].Should().Be(1);
        bands[253].Should().Be(2);
    }

    [Fact]
    public void RowWeights_HighsSwitchBeforeLows_AndTheEndsAreExactlyAAndB()
    {
        double[] early = BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default, 0.25);
        double[] middle = BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default, 0.5);

        // Switch width 0.6: highs over [0, 0.6], mids over [0.2, 0.8], lows over [0.4, 1]; smoothstep inside.
        early[400].Should().BeApproximately(Smoothstep(0.25 / 0.6), 1e-12);
        early[150].Should().BeApproximately(Smoothstep(0.05 / 0.6), 1e-12);
        early[10].Should().Be(0);
        middle[400].Should().BeGreaterThan(middle[150]).And.BeGreaterThan(0.5);
        middle[150].Should().BeApproximately(0.5, 1e-12);
        middle[10].Should().BeLessThan(0.5);
        BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default, 0).Should().OnlyContain(w => w == 0);
        BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default, 1).Should().OnlyContain(w => w == 1);
    }

    [Fact]
    public void RowWeights_TransitionRows_SoftenTheBandEdge()
    {
        double[] hard = BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default with { TransitionRows = 0 }, 0.3);
        double[] soft = BandBlend.RowWeights(SpectrogramParams.Riffusion, 512, s_default with { TransitionRows = 4 }, 0.3);

        hard[252].Should().NotBe(hard[253]);
        soft[252].Should().BeGreaterThan(hard[252]);
        soft[253].Should().BeLessThan(hard[253]);
        soft[100].Should().Be(hard[100], "rows far from an edge keep their band's weight");
    }

    [Fact]
    public void Frame_EqualLoudnessPair_StaysLevel_WherePixelDomainMixingWouldDip()
    {
        // A loud in the first half of the frames, B loud in the second: same energy, no overlap in time.
        MelSpectrogram a = Spectrogram(frame => frame < 4 ? 1000f : 0f);
        MelSpectrogram b = Spectrogram(frame => frame < 4 ? 0f : 1000f);
        var settings = new BandBlendSettings { Bands = [new FrequencyBand(0, 10000)], SwitchWidth = 1, Curve = BlendCurve.Linear };

        for (int i = 1; i <= 5; i++)
        {
            MelSpectrogram frame = BandBlend.Frame(a, 1, b, 1, settings, i / 6.0);
            Energy(frame).Should().BeApproximately(Energy(a), Energy(a) * 1e-6, $"frame {i} keeps the loudness of the pair");
        }

        // Pixels (power 0.25) mixed half and half: a quarter-power mean, far below the energy of either.
        double pixelMix = Math.Pow((0.5 * Math.Pow(1000, 0.25)) + (0.5 * Math.Pow(0, 0.25)), 4);
        (pixelMix * pixelMix * 8 * 8).Should().BeLessThan(0.1 * Energy(a));
    }

    [Fact]
    public void Frame_TrueLevels_GainsScaleEachSideBeforeMixing_AndTheShorterWidthIsKept()
    {
        MelSpectrogram a = Spectrogram(_ => 1f);
        MelSpectrogram b = Spectrogram(_ => 1f, frames: 6);
        var settings = new BandBlendSettings { Bands = [new FrequencyBand(0, 10000)], SwitchWidth = 1, Curve = BlendCurve.Linear };

        MelSpectrogram frame = BandBlend.Frame(a, 2, b, 4, settings, 0.5);

        frame.Frames.Should().Be(6);
        frame.Channels[0][0].Should().BeApproximately((float)Math.Sqrt((0.5 * 4) + (0.5 * 16)), 1e-5f);
    }

    [Theory]
    [InlineData("0-300,200-400", "overlaps")]
    [InlineData("300-100", "is not a band")]
    [InlineData("", "at least one band")]
    [InlineData("a-b", "is not a band")]
    public void TryParseList_BadBands_SaysWhy(string text, string problem)
    {
        FrequencyBand.TryParseList(text, out string? message).Should().BeNull();
        message.Should().Contain(problem);
    }

    [Fact]
    public void EnsureBlendable_DifferentParams_NamesBothItems()
    {
        MelSpectrogram a = Spectrogram(_ => 1f);
        var b = new MelSpectrogram(SpectrogramParams.Riffusion with { MaxFrequency = 8000 }, 8, 8, [new float[64]]);

        Action blend = () => BandBlend.EnsureBlendable(a, "a.png", b, "b.png");

        blend.Should().Throw<Core.Errors.SpectroFlowException>().WithMessage("b.png: its spectrogram parameters differ from a.png's (MaxFrequency 8000 vs 10000)*");
    }

    private static double Smoothstep(double p) => p * p * (3 - (2 * p));

    private static MelSpectrogram Spectrogram(Func<int, float> value, int frames = 8)
    {
        var data = new float[8 * frames];
        for (int row = 0; row < 8; row++)
        {
            for (int f = 0; f < frames; f++)
            {
                data[(row * frames) + f] = value(f);
            }
        }

        return new MelSpectrogram(SpectrogramParams.Riffusion, 8, frames, [data]);
    }

    private static double Energy(MelSpectrogram mel) => mel.Channels[0].Sum(v => (double)v * v);
}
