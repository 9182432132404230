namespace SpectroFlow.Datasets.Writing;

/// <summary>
/// A histogram as plain pixels (bars on white, a baseline): no fonts here, so the labels go in a markdown table beside
/// the image.
/// </summary>
internal static class BarChart
{
    public const int Width = 640;
    public const int Height = 240;

    private const int Margin = 16;
    private const int Gap = 4;

    private static readonly byte[] s_bar = [70, 130, 180];
    private static readonly byte[] s_axis = [64, 64, 64];

    /// <summary>RGB bytes (<see cref="Width"/> × <see cref="Height"/> × 3) of one bar per count, scaled to the largest.</summary>
    public static byte[] Draw(IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        byte[] rgb = new byte[Width * Height * 3];
        Array.Fill(rgb, (byte)255);
        int max = 1;
        foreach (int count in counts)
        {
            max = Math.Max(max, count);
        }

        int baseline = Height - Margin;
        int plotHeight = baseline - Margin;
        int slot = counts.Count == 0 ? 0 : (Width - 2 * Margin) / counts.Count;
        for (int i = 0; i < counts.Count; i++)
        {
            // Integer scaling keeps the pixels identical on every machine.
            int barHeight = (int)((long)counts[i] * plotHeight / max);
            int left = Margin + i * slot + Gap / 2;
            Fill(rgb, left, baseline - barHeight, slot - Gap, barHeight, s_bar);
        }

        Fill(rgb, Margin, baseline, Width - 2 * Margin, 2, s_axis);
        return rgb;
    }

    private static void Fill(byte[] rgb, int x, int y, int width, int height, byte[] color)
    {
        for (int row = y; row < y + height; row++)
        {
            for (int column = x; column < x + width; column++)
            {
                int at = (row * Width + column) * 3;
                rgb[at] = color[0];
                rgb[at + 1] = color[1];
                rgb[at + 2] = color[2];
            }
        }
    }
}
