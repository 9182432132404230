using System.Numerics;

namespace SpectroFlow.Imaging.Png;

/// <summary>The five PNG scanline filters (filter method 0): None, Sub, Up, Average and Paeth.</summary>
internal static class PngFilters
{
    /// <summary>Filter type 0: bytes unchanged.</summary>
    public const byte None = 0;

    /// <summary>Filter type 1: difference to the byte one pixel to the left.</summary>
    public const byte Sub = 1;

    /// <summary>Filter type 2: difference to the byte above.</summary>
    public const byte Up = 2;

    /// <summary>Filter type 3: difference to the floored mean of left and above.</summary>
    public const byte Average = 3;

    /// <summary>Filter type 4: difference to the Paeth predictor of left, above and upper left.</summary>
    public const byte Paeth = 4;

    /// <summary>
    /// Reverses filter <paramref name="filter"/> in place on <paramref name="row"/> given the already reconstructed
    /// <paramref name="previous"/> row (all zero for the first row of an image or Adam7 pass).
    /// Returns false for an unknown filter type.
    /// </summary>
    public static bool Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int distance)
    {
        switch (filter)
        {
            case None:
                return true;
            case Sub:
                for (int i = distance; i < row.Length; i++)
                {
                    row[i] += row[i - distance];
                }

                return true;
            case Up:
                AddUp(row, previous);
                return true;
            case Average:
                for (int i = 0; i < distance; i++)
                {
                    row[i] += (byte)(previous[i] >> 1);
                }

                for (int i = distance; i < row.Length; i++)
                {
                    row[i] += (byte)((row[i - distance] + previous[i]) >> 1);
                }

                return true;
            case Paeth:
                for (int i = 0; i < distance; i++)
                {
                    row[i] += previous[i];
                }

                for (int i = distance; i < row.Length; i++)
                {
                    row[i] += PaethPredictor(row[i - distance], previous[i], previous[i - distance]);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Writes <paramref name="row"/> filtered with <paramref name="filter"/> into <paramref name="output"/> (same
    /// length) and returns the sum of the filtered bytes read as signed values, the usual filter-choice cost.
    /// </summary>
    public static long Filter(byte filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, int distance, Span<byte> output)
    {
        output = output[..row.Length];
        previous = previous[..row.Length];
        switch (filter)
        {
            case None:
                row.CopyTo(output);
                break;
            case Sub:
                row[..distance].CopyTo(output);
                for (int i = distance; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - row[i - distance]);
                }

                break;
            case Up:
                SubtractUp(row, previous, output);
                break;
            case Average:
                for (int i = 0; i < distance; i++)
                {
                    output[i] = (byte)(row[i] - (previous[i] >> 1));
                }

                for (int i = distance; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - ((row[i - distance] + previous[i]) >> 1));
                }

                break;
            case Paeth:
                for (int i = 0; i < distance; i++)
                {
                    output[i] = (byte)(row[i] - previous[i]);
                }

                for (int i = distance; i < row.Length; i++)
                {
                    output[i] = (byte)(row[i] - PaethPredictor(row[i - distance], previous[i], previous[i - distance]));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(filter), filter, "PNG filter types are 0 to 4.");
        }

        return SumOfAbsoluteSignedBytes(output);
    }

    /// <summary>The Paeth predictor: whichever of left, above, upper left is closest to left + above - upper left.</summary>
    public static byte PaethPredictor(byte left, byte above, byte upperLeft)
    {
        int p = left + above - upperLeft;
        int pa = Math.Abs(p - left);
        int pb = Math.Abs(p - above);
        int pc = Math.Abs(p - upperLeft);
        if (pa <= pb && pa <= pc)
        {
            return left;
        }

        return pb <= pc ? above : upperLeft;
    }

    private static void AddUp(Span<byte> row, ReadOnlySpan<byte> previous)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(row[i..]) + new Vector<byte>(previous[i..])).CopyTo(row[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            row[i] += previous[i];
        }
    }

    private static void SubtractUp(ReadOnlySpan<byte> row, ReadOnlySpan<byte> previous, Span<byte> output)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(row[i..]) - new Vector<byte>(previous[i..])).CopyTo(output[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            output[i] = (byte)(row[i] - previous[i]);
        }
    }

    private static long SumOfAbsoluteSignedBytes(ReadOnlySpan<byte> bytes)
    {
        long sum = 0;
        foreach (byte b in bytes)
        {
            sum += b < 128 ? b : 256 - b;
        }

        return sum;
    }
}
