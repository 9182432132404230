using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Tests.Dsp;

public class MelFilterBankTests
{
    [Fact]
    public void Create_RiffusionDefaults_UsesBinsOneTo3999Only()
    {
        MelFilterBank bank = MelFilterBank.Create(SpectrogramParams.Riffusion);

        bank.BinCount.Should().Be(8821);
        bank.MelCount.Should().Be(512);
        bank.UsedBinCount.Should().Be(4000, "only STFT bins 1..3999 (<= 9997.5 Hz) have weight for 0..10 kHz");
        for (int j = 0; j < 512; j++)
        {
            bank.Weight(0, j).Should().Be(0f);
        }
    }

    [Fact]
    public void HzToMel_TenKilohertz_MatchesSpec()
    {
        MelFilterBank.HzToMel(10000).Should().BeApproximately(3073.2215, 1e-4);
        MelFilterBank.MelToHz(MelFilterBank.HzToMel(1234.5)).Should().BeApproximately(1234.5, 1e-9);
    }

    [Fact]
    public void Weight_FirstFilters_AreTrianglesAroundSpecCentres()
    {
        MelFilterBank bank = MelFilterBank.Create(SpectrogramParams.Riffusion);
        const double centre0 = 3.7308; // Hz, first filter's centre (spec §1.1)
        const double centre1 = 7.4816;

        // Bin 1 = 2.5 Hz on the rising edge of filter 0 (0 .. 3.7308 Hz).
        bank.Weight(1, 0).Should().BeApproximately((float)(2.5 / centre0), 1e-4f);

        // Bin 2 = 5 Hz on the falling edge of filter 0 and the rising edge of filter 1.
        bank.Weight(2, 0).Should().BeApproximately((float)((centre1 - 5.0) / (centre1 - centre0)), 1e-4f);
        bank.Weight(2, 1).Should().BeApproximately((float)((5.0 - centre0) / (centre1 - centre0)), 1e-4f);
    }

    [Fact]
    public void SolveMinimumNorm_MelOfNonNegativeSpectrum_ReproducesMel()
    {
        MelFilterBank bank = MelFilterBank.Create(SpectrogramParams.Riffusion);
        var random = new Random(7);
        float[] linear = new float[bank.BinCount];
        for (int k = 0; k < bank.UsedBinCount; k++)
        {
            linear[k] = (float)(1 + random.NextDouble());
        }

        float[] mel = new float[bank.MelCount];
        bank.Apply(linear, mel);
        float[] solved = new float[bank.BinCount];
        bank.SolveMinimumNorm(mel, solved, new double[bank.MelCount]);
        float[] melAgain = new float[bank.MelCount];
        bank.Apply(solved, melAgain);

        double error = 0, norm = 0;
        for (int j = 0; j < mel.Length; j++)
        {
            error += (mel[j] - melAgain[j]) * (double)(mel[j] - melAgain[j]);
            norm += mel[j] * (double)mel[j];
        }

        Math.Sqrt(error / norm).Should().BeLessThan(0.01);
        solved.Skip(bank.UsedBinCount).Should().OnlyContain(v => v == 0f);
        solved.Should().OnlyContain(v => v >= 0f);
    }

    [Fact]
    public void Create_TooManyMelsForTheFft_ThrowsClearError()
    {
        SpectrogramParams p = SpectrogramParams.Riffusion with { NumFrequencies = 4096, PaddedDurationMs = 100 };

        Action create = () => MelFilterBank.Create(p);

        create.Should().Throw<ArgumentException>().WithMessage("*mel filterbank*fewer mel bins*");
    }
}
