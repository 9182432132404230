namespace SpectroFlow.Imaging.Png;

/// <summary>The PNG colour types (IHDR byte 9).</summary>
internal enum PngColorType : byte
{
    /// <summary>Grayscale samples, bit depth 1, 2, 4, 8 or 16.</summary>
    Gray = 0,

    /// <summary>Red, green, blue samples, bit depth 8 or 16.</summary>
    Rgb = 2,

    /// <summary>Indices into the PLTE chunk, bit depth 1, 2, 4 or 8.</summary>
    Palette = 3,

    /// <summary>Gray and alpha samples, bit depth 8 or 16.</summary>
    GrayAlpha = 4,

    /// <summary>Red, green, blue and alpha samples, bit depth 8 or 16.</summary>
    Rgba = 6,
}

/// <summary>The decoded IHDR chunk and the scanline geometry it implies.</summary>
/// <param name="Width">Width in pixels (1 .. 2^31-1).</param>
/// <param name="Height">Height in pixels (1 .. 2^31-1).</param>
/// <param name="BitDepth">Bits per sample: 1, 2, 4, 8 or 16.</param>
/// <param name="ColorType">The colour type.</param>
/// <param name="Interlaced">Adam7 interlacing (interlace method 1).</param>
internal readonly record struct PngHeader(int Width, int Height, int BitDepth, PngColorType ColorType, bool Interlaced)
{
    /// <summary>The length of the IHDR chunk data.</summary>
    public const int Length = 13;

    /// <summary>Samples per pixel.</summary>
    public int Channels => ChannelsOf(ColorType);

    /// <summary>Bits per pixel.</summary>
    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>Bytes between a byte and the one it is filtered against (at least 1, for sub-byte pixels).</summary>
    public int FilterDistance => Math.Max(1, BitsPerPixel / 8);

    /// <summary>Samples per pixel of <paramref name="colorType"/>.</summary>
    public static int ChannelsOf(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray or PngColorType.Palette => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        PngColorType.Rgba => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colorType), colorType, null),
    };

    /// <summary>Whether the PNG specification allows <paramref name="bitDepth"/> with <paramref name="colorType"/>.</summary>
    public static bool IsValidCombination(int colorType, int bitDepth) => colorType switch
    {
        0 => bitDepth is 1 or 2 or 4 or 8 or 16,
        3 => bitDepth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => bitDepth is 8 or 16,
        _ => false,
    };

    /// <summary>Packed sample bytes in a scanline of <paramref name="pixels"/> pixels (without the filter byte).</summary>
    public long RowBytes(long pixels) => (pixels * BitsPerPixel + 7) / 8;

    /// <summary>Bytes of filtered image data (filter byte + packed samples per row, every Adam7 pass when interlaced).</summary>
    public long FilteredDataLength()
    {
        if (!Interlaced)
        {
            return Height * (1 + RowBytes(Width));
        }

        long total = 0;
        foreach (Adam7Pass pass in Adam7Pass.All)
        {
            long columns = pass.Columns(Width);
            long rows = pass.Rows(Height);
            if (columns > 0 && rows > 0)
            {
                total += rows * (1 + RowBytes(columns));
            }
        }

        return total;
    }
}

/// <summary>One of the seven Adam7 passes: the pixels at (XStart + i * XStep, YStart + j * YStep).</summary>
internal readonly record struct Adam7Pass(int XStart, int YStart, int XStep, int YStep)
{
    private static readonly Adam7Pass[] s_all =
    [
        new(0, 0, 8, 8),
        new(4, 0, 8, 8),
        new(0, 4, 4, 8),
        new(2, 0, 4, 4),
        new(0, 2, 2, 4),
        new(1, 0, 2, 2),
        new(0, 1, 1, 2),
    ];

    /// <summary>The seven passes in file order.</summary>
    public static ReadOnlySpan<Adam7Pass> All => s_all;

    /// <summary>Pixels per row of this pass for an image <paramref name="width"/> wide.</summary>
    public int Columns(int width) => width <= XStart ? 0 : (width - XStart + XStep - 1) / XStep;

    /// <summary>Rows of this pass for an image <paramref name="height"/> high.</summary>
    public int Rows(int height) => height <= YStart ? 0 : (height - YStart + YStep - 1) / YStep;
}
