using SpectroFlow.Core.Items;
using SpectroFlow.Imaging.Png;

namespace SpectroFlow.Imaging;

/// <summary>Small previews of spectrogram images (for reports): box-filtered down, written as plain RGB PNG without EXIF.</summary>
public static class SpectrogramThumbnail
{
    /// <summary>
    /// PNG bytes of <paramref name="image"/> scaled down to fit <paramref name="maxWidth"/> x <paramref name="maxHeight"/>
    /// (each pixel the mean of the source pixels it covers; never scaled up).
    /// </summary>
    public static byte[] Encode(SpectrogramImage image, int maxWidth, int maxHeight)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeight);
        int width = Math.Min(image.Width, maxWidth);
        int height = Math.Min(image.Height, maxHeight);
        byte[] rgb = new byte[width * height * 3];
        ReadOnlySpan<byte> source = image.Rgb;
        for (int y = 0; y < height; y++)
        {
            int y0 = (int)((long)y * image.Height / height);
            int y1 = Math.Max(y0 + 1, (int)((long)(y + 1) * image.Height / height));
            for (int x = 0; x < width; x++)
            {
                int x0 = (int)((long)x * image.Width / width);
                int x1 = Math.Max(x0 + 1, (int)((long)(x + 1) * image.Width / width));
                long r = 0, g = 0, b = 0;
                for (int sy = y0; sy < y1; sy++)
                {
                    int row = sy * image.Width * 3;
                    for (int sx = x0; sx < x1; sx++)
                    {
                        int at = row + (sx * 3);
                        r += source[at];
                        g += source[at + 1];
                        b += source[at + 2];
                    }
                }

                long count = (long)(y1 - y0) * (x1 - x0);
                int to = ((y * width) + x) * 3;
                rgb[to] = (byte)((r + (count / 2)) / count);
                rgb[to + 1] = (byte)((g + (count / 2)) / count);
                rgb[to + 2] = (byte)((b + (count / 2)) / count);
            }
        }

        return PngEncoder.Encode(rgb, width, height, PngColorType.Rgb);
    }
}
