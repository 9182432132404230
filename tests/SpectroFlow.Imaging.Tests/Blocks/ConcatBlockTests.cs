using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging.Blocks;

namespace SpectroFlow.Imaging.Tests.Blocks;

/// <summary><see cref="ConcatBlock.Concatenate"/>: pixels pasted side by side, seams crossfaded on amplitudes.</summary>
public class ConcatBlockTests
{
    [Fact]
    public void Concatenate_WithoutSmoothing_PastesThePixelsSideBySide_AndKeepsTheFirstImagesParameters()
    {
        SpectrogramImage left = Solid(3, 2, 10, maxValue: 5e6);
        SpectrogramImage right = Solid(2, 2, 200, maxValue: 9e6);

        SpectrogramImage wide = ConcatBlock.Concatenate([left, right], 5, overlap: 0);

        wide.Width.Should().Be(5);
        wide.Height.Should().Be(2);
        for (int row = 0; row < 2; row++)
        {
            Enumerable.Range(0, 5).Select(column => wide[row, column, 0]).Should().Equal(10, 10, 10, 200, 200);
        }

        wide.MaxValue.Should().Be(5e6);
        wide.Parameters.Should().Be(left.Parameters);
    }

    [Fact]
    public void Concatenate_WithSmoothing_OverlapsTheSeam_MixingAtEqualPowerOnAmplitudes()
    {
        // Pixel 0 = full amplitude 1, pixel 255 = silence; amplitude = ((255 - p) / 255)^4 for power 0.25.
        SpectrogramImage loud = Solid(4, 1, 0);
        SpectrogramImage silent = Solid(4, 1, 255);

        SpectrogramImage wide = ConcatBlock.Concatenate([loud, silent], 6, overlap: 2);

        // Weights of the second image over the seam: 1/3 and 2/3; energy (1 - w) * 1 -> amplitude sqrt(1 - w).
        byte Expected(double w) => (byte)Math.Round(255 - (255 * Math.Pow(Math.Sqrt(1 - w), 0.25)));
        Enumerable.Range(0, 6).Select(column => wide[0, column, 1]).Should().Equal(0, 0, Expected(1 / 3.0), Expected(2 / 3.0), 255, 255);
        Expected(1 / 3.0).Should().Be(13, "a golden value: the pixel of amplitude sqrt(2/3)");
    }

    private static SpectrogramImage Solid(int width, int height, byte value, double? maxValue = null)
    {
        byte[] rgb = new byte[width * height * 3];
        Array.Fill(rgb, value);
        return new SpectrogramImage(width, height, rgb, SpectrogramParams.Riffusion, maxValue);
    }
}
