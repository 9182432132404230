using SpectroFlow.Diffusion.Schedulers;

namespace SpectroFlow.Diffusion.Tests.Schedulers;

/// <summary>SD 1.x's schedule against reference values computed from diffusers' formulas (../shared/docs/sd-onnx.md §3).</summary>
public class NoiseScheduleTests
{
    private readonly NoiseSchedule _sd = new();

    [Theory]
    [InlineData(0, 0.99915000, 0.029167)]
    [InlineData(1, 0.99829603, 0.041314)]
    [InlineData(21, 0.98038075, 0.141463)]
    [InlineData(500, 0.27633268, 1.618279)]
    [InlineData(961, 0.00728173, 11.676046)]
    [InlineData(981, 0.00577550, 13.120411)]
    [InlineData(999, 0.00466010, 14.614641)]
    public void AlphasCumprodAndSigma_MatchTheReference(int t, double alphaCumprod, double sigma)
    {
        _sd.AlphasCumprod[t].Should().BeApproximately(alphaCumprod, 5e-9);
        _sd.Sigma(t).Should().BeApproximately(sigma, 5e-7);
    }

    [Fact]
    public void Timesteps_Leading50_Are981DownTo1()
    {
        double[] timesteps = _sd.Timesteps(50, TimestepSpacing.Leading, stepsOffset: 1);

        timesteps.Should().HaveCount(50);
        timesteps[..5].Should().Equal(981, 961, 941, 921, 901);
        timesteps[^4..].Should().Equal(61, 41, 21, 1);
        _sd.Timesteps(30, TimestepSpacing.Leading, 1)[..3].Should().Equal(958, 925, 892);
    }

    [Fact]
    public void Timesteps_Linspace50_AreFloatsFrom999ToZero_WithInterpolatedSigmas()
    {
        double[] timesteps = _sd.Timesteps(50, TimestepSpacing.Linspace);

        timesteps[0].Should().Be(999);
        timesteps[1].Should().BeApproximately(978.612, 5e-4);
        timesteps[2].Should().BeApproximately(958.224, 5e-4);
        timesteps[^1].Should().Be(0);
        _sd.SigmaAt(timesteps[0]).Should().BeApproximately(14.6146, 5e-5);
        _sd.SigmaAt(timesteps[1]).Should().BeApproximately(12.9368, 5e-5);
        _sd.SigmaAt(timesteps[2]).Should().BeApproximately(11.4916, 5e-5);
        _sd.SigmaAt(timesteps[^2]).Should().BeApproximately(0.13934, 5e-5);
    }

    [Fact]
    public void Timesteps_Trailing30_Are999DownTo32()
    {
        double[] timesteps = _sd.Timesteps(30, TimestepSpacing.Trailing);

        timesteps[..3].Should().Equal(999, 966, 932);
        timesteps[^2..].Should().Equal(66, 32);
    }
}
