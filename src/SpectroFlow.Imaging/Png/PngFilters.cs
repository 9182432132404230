using System.Numerics;
using System.Runtime.CompilerServices;

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
        if (previous.Length < row.Length || distance < 1 || distance > row.Length)
        {
            throw new ArgumentException("The previous row is shorter than the row, or the pixel distance is out of range.");
        }

        switch (filter)
        {
            case None:
                return true;
            case Sub:
                UnfilterSub(row, distance);
                return true;
            case Up:
                AddUp(row, previous);
                return true;
            case Average:
                UnfilterAverage(row, previous, distance);
                return true;
            case Paeth:
                UnfilterPaeth(row, previous, distance);
                return true;
            default:
                return false;
        }
    }

    // The reconstruction loops are serial (each byte depends on the one a pixel to the left), so they are written
    // with pointers to drop bounds checks; Unfilter has checked the lengths.
    private static unsafe void UnfilterSub(Span<byte> row, int distance)
    {
        fixed (byte* r = row)
        {
            for (int i = distance; i < row.Length; i++)
            {
                r[i] += r[i - distance];
            }
        }
    }

    private static unsafe void UnfilterAverage(Span<byte> row, ReadOnlySpan<byte> previous, int distance)
    {
        fixed (byte* r = row)
        fixed (byte* p = previous)
        {
            for (int i = 0; i < distance; i++)
            {
                r[i] += (byte)(p[i] >> 1);
            }

            for (int i = distance; i < row.Length; i++)
            {
                r[i] += (byte)((r[i - distance] + p[i]) >> 1);
            }
        }
    }

    private static unsafe void UnfilterPaeth(Span<byte> row, ReadOnlySpan<byte> previous, int distance)
    {
        fixed (byte* r = row)
        fixed (byte* p = previous)
        {
            for (int i = 0; i < distance; i++)
            {
                r[i] += p[i];
            }

            int n = row.Length;
            if (distance == 3)
            {
                // RGB8, the spectrogram case: the left and upper-left pixel stay in registers.
                int left0 = r[0], left1 = r[1], left2 = r[2];
                int upperLeft0 = p[0], upperLeft1 = p[1], upperLeft2 = p[2];
                for (int i = 3; i + 2 < n; i += 3)
                {
                    int above0 = p[i], above1 = p[i + 1], above2 = p[i + 2];
                    left0 = (byte)(r[i] + PaethBranchless(left0, above0, upperLeft0));
                    left1 = (byte)(r[i + 1] + PaethBranchless(left1, above1, upperLeft1));
                    left2 = (byte)(r[i + 2] + PaethBranchless(left2, above2, upperLeft2));
                    r[i] = (byte)left0;
                    r[i + 1] = (byte)left1;
                    r[i + 2] = (byte)left2;
                    upperLeft0 = above0;
                    upperLeft1 = above1;
                    upperLeft2 = above2;
                }

                return;
            }

            for (int i = distance; i < n; i++)
            {
                r[i] += (byte)PaethBranchless(r[i - distance], p[i], p[i - distance]);
            }
        }
    }

    // The Paeth predictor without branches (the data decides the choice, so branches mispredict often).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaethBranchless(int left, int above, int upperLeft)
    {
        int towardAbove = above - upperLeft; // p - left
        int towardLeft = left - upperLeft; // p - above
        int distanceLeft = Math.Abs(towardAbove);
        int distanceAbove = Math.Abs(towardLeft);
        int distanceUpperLeft = Math.Abs(towardAbove + towardLeft); // p - upper left
        int notLeft = ((distanceAbove - distanceLeft) | (distanceUpperLeft - distanceLeft)) >> 31; // -1 unless left is closest
        int notAbove = (distanceUpperLeft - distanceAbove) >> 31; // -1 if upper left is closer than above
        int second = above ^ ((above ^ upperLeft) & notAbove);
        return left ^ ((left ^ second) & notLeft);
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
                FilterSub(row, distance, output);
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

    /// <summary>Writes <paramref name="row"/> with the Sub filter into <paramref name="output"/> (vectorized: no dependency between bytes).</summary>
    public static void FilterSub(ReadOnlySpan<byte> row, int distance, Span<byte> output)
    {
        output = output[..row.Length];
        row[..distance].CopyTo(output);
        int i = distance;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                (new Vector<byte>(row[i..]) - new Vector<byte>(row[(i - distance)..])).CopyTo(output[i..]);
            }
        }

        for (; i < row.Length; i++)
        {
            output[i] = (byte)(row[i] - row[i - distance]);
        }
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
