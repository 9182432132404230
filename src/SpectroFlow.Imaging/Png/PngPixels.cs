namespace SpectroFlow.Imaging.Png;

/// <summary>Converts one unfiltered PNG scanline of any colour type and bit depth to RGB24.</summary>
internal static class PngPixels
{
    /// <summary>
    /// Writes <paramref name="pixels"/> RGB24 pixels of the scanline <paramref name="samples"/> into
    /// <paramref name="rgb"/>. Returns -1, or the first palette index that is past the end of <paramref name="palette"/>.
    /// </summary>
    public static int ToRgb(PngHeader header, byte[]? palette, ReadOnlySpan<byte> samples, int pixels, Span<byte> rgb)
    {
        rgb = rgb[..(pixels * 3)];
        int depth = header.BitDepth;
        switch (header.ColorType)
        {
            case PngColorType.Gray when depth == 8:
                GrayToRgb(samples[..pixels], 1, rgb);
                return -1;
            case PngColorType.Gray when depth == 16:
                GrayToRgb(samples, 2, rgb);
                return -1;
            case PngColorType.Gray:
                PackedGrayToRgb(samples, depth, pixels, rgb);
                return -1;
            case PngColorType.GrayAlpha:
                GrayToRgb(samples, depth == 8 ? 2 : 4, rgb);
                return -1;
            case PngColorType.Rgb when depth == 8:
                samples[..rgb.Length].CopyTo(rgb);
                return -1;
            case PngColorType.Rgb:
                ColorToRgb(samples, 6, rgb);
                return -1;
            case PngColorType.Rgba:
                ColorToRgb(samples, depth == 8 ? 4 : 8, rgb);
                return -1;
            case PngColorType.Palette:
                return PaletteToRgb(samples, depth, pixels, palette!, rgb);
            default:
                throw new ArgumentOutOfRangeException(nameof(header), header.ColorType, null);
        }
    }

    // Gray samples 'stride' bytes apart (the first byte is the value, or its high byte at 16 bits).
    private static void GrayToRgb(ReadOnlySpan<byte> samples, int stride, Span<byte> rgb)
    {
        for (int o = 0, i = 0; o < rgb.Length; o += 3, i += stride)
        {
            byte v = samples[i];
            rgb[o] = v;
            rgb[o + 1] = v;
            rgb[o + 2] = v;
        }
    }

    // R, G, B samples starting every 'stride' bytes; 16-bit samples (stride 6 or 8) keep their high byte.
    private static void ColorToRgb(ReadOnlySpan<byte> samples, int stride, Span<byte> rgb)
    {
        int sampleStep = stride is 6 or 8 ? 2 : 1;
        for (int o = 0, i = 0; o < rgb.Length; o += 3, i += stride)
        {
            rgb[o] = samples[i];
            rgb[o + 1] = samples[i + sampleStep];
            rgb[o + 2] = samples[i + 2 * sampleStep];
        }
    }

    // 1, 2 or 4-bit gray, most significant bits first, scaled to 0..255 (x255, x85, x17) like PIL.
    private static void PackedGrayToRgb(ReadOnlySpan<byte> samples, int depth, int pixels, Span<byte> rgb)
    {
        int mask = (1 << depth) - 1;
        int scale = 255 / mask;
        int perByte = 8 / depth;
        for (int x = 0; x < pixels; x++)
        {
            int shift = 8 - depth - (x % perByte * depth);
            byte v = (byte)(((samples[x / perByte] >> shift) & mask) * scale);
            rgb[3 * x] = v;
            rgb[3 * x + 1] = v;
            rgb[3 * x + 2] = v;
        }
    }

    private static int PaletteToRgb(ReadOnlySpan<byte> samples, int depth, int pixels, ReadOnlySpan<byte> palette, Span<byte> rgb)
    {
        int entries = palette.Length / 3;
        int mask = (1 << depth) - 1;
        int perByte = 8 / depth;
        for (int x = 0; x < pixels; x++)
        {
            int index = depth == 8 ? samples[x] : (samples[x / perByte] >> (8 - depth - (x % perByte * depth))) & mask;
            if (index >= entries)
            {
                return index;
            }

            rgb[3 * x] = palette[3 * index];
            rgb[3 * x + 1] = palette[3 * index + 1];
            rgb[3 * x + 2] = palette[3 * index + 2];
        }

        return -1;
    }
}
