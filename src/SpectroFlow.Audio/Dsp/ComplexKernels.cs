using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpectroFlow.Audio.Dsp;

/// <summary>Vectorised kernels over interleaved (re, im) float spectra.</summary>
internal static class ComplexKernels
{
    /// <summary>magnitudes[k] = |z_k| * scale for the first magnitudes.Length bins of <paramref name="interleaved"/>.</summary>
    public static void Magnitudes(ReadOnlySpan<float> interleaved, Span<float> magnitudes, float scale)
    {
        int count = magnitudes.Length;
        int k = 0;
        if (Avx2.IsSupported && count >= 8)
        {
            ref float source = ref MemoryMarshal.GetReference(interleaved);
            ref float target = ref MemoryMarshal.GetReference(magnitudes);
            Vector256<float> scaleVector = Vector256.Create(scale);
            for (; k + 8 <= count; k += 8)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref source, (nuint)(2 * k));
                Vector256<float> b = Vector256.LoadUnsafe(ref source, (nuint)(2 * k + 8));

                // hadd gives |z|^2 for bins (0 1 4 5 2 3 6 7); permute 64-bit lanes back into order.
                Vector256<float> power = Avx.HorizontalAdd(a * a, b * b);
                power = Avx2.Permute4x64(power.AsDouble(), 0b11_01_10_00).AsSingle();
                (Avx.Sqrt(power) * scaleVector).StoreUnsafe(ref target, (nuint)k);
            }
        }

        for (; k < count; k++)
        {
            float re = interleaved[2 * k];
            float im = interleaved[2 * k + 1];
            magnitudes[k] = MathF.Sqrt(re * re + im * im) * scale;
        }
    }

    /// <summary>sum_i a[i] * b[i] in float32.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        float sum = 0f;
        if (Vector256.IsHardwareAccelerated && a.Length >= 16)
        {
            Vector256<float> accumulator = Vector256<float>.Zero;
            for (; i + 8 <= a.Length; i += 8)
            {
                accumulator += Vector256.Create(a.Slice(i, 8)) * Vector256.Create(b.Slice(i, 8));
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>
    /// One Griffin-Lim phase update per bin k: a = R - alpha * P; P = R; next = S * a / (|a| + 1e-16).
    /// <paramref name="rebuilt"/>, <paramref name="previous"/> and <paramref name="next"/> are interleaved complex.
    /// </summary>
    public static void GriffinLimUpdate(ReadOnlySpan<float> rebuilt, Span<float> previous, ReadOnlySpan<float> magnitudes, float alpha, Span<float> next)
    {
        int bins = magnitudes.Length;
        int k = 0;
        if (Avx.IsSupported)
        {
            ref float r = ref MemoryMarshal.GetReference(rebuilt);
            ref float p = ref MemoryMarshal.GetReference(previous);
            ref float s = ref MemoryMarshal.GetReference(magnitudes);
            ref float n = ref MemoryMarshal.GetReference(next);
            Vector256<float> alphaVector = Vector256.Create(alpha);
            Vector256<float> epsilon = Vector256.Create(1e-16f);
            for (; k + 4 <= bins; k += 4)
            {
                nuint offset = (nuint)(2 * k);
                Vector256<float> re = Vector256.LoadUnsafe(ref r, offset);
                Vector256<float> a = re - alphaVector * Vector256.LoadUnsafe(ref p, offset);
                re.StoreUnsafe(ref p, offset);
                Vector256<float> squares = a * a;
                Vector256<float> power = squares + Avx.Permute(squares, 0b10_11_00_01);
                Vector128<float> s4 = Vector128.LoadUnsafe(ref s, (nuint)k);
                Vector256<float> sPairs = Vector256.Create(Sse.UnpackLow(s4, s4), Sse.UnpackHigh(s4, s4));
                (a * (sPairs / (Avx.Sqrt(power) + epsilon))).StoreUnsafe(ref n, offset);
            }
        }

        for (; k < bins; k++)
        {
            float re = rebuilt[2 * k];
            float im = rebuilt[2 * k + 1];
            float ar = re - alpha * previous[2 * k];
            float ai = im - alpha * previous[2 * k + 1];
            previous[2 * k] = re;
            previous[2 * k + 1] = im;
            float scale = magnitudes[k] / (MathF.Sqrt(ar * ar + ai * ai) + 1e-16f);
            next[2 * k] = ar * scale;
            next[2 * k + 1] = ai * scale;
        }
    }

    /// <summary>sum_k (|z_k| - magnitudes[k])^2 over the first magnitudes.Length bins of <paramref name="interleaved"/>.</summary>
    public static double MagnitudeErrorSquared(ReadOnlySpan<float> interleaved, ReadOnlySpan<float> magnitudes)
    {
        int count = magnitudes.Length;
        int k = 0;
        double sum = 0.0;
        if (Avx2.IsSupported && count >= 8)
        {
            ref float source = ref MemoryMarshal.GetReference(interleaved);
            ref float target = ref MemoryMarshal.GetReference(magnitudes);
            Vector256<float> accumulator = Vector256<float>.Zero;
            for (; k + 8 <= count; k += 8)
            {
                Vector256<float> a = Vector256.LoadUnsafe(ref source, (nuint)(2 * k));
                Vector256<float> b = Vector256.LoadUnsafe(ref source, (nuint)(2 * k + 8));
                Vector256<float> power = Avx.HorizontalAdd(a * a, b * b);
                power = Avx2.Permute4x64(power.AsDouble(), 0b11_01_10_00).AsSingle();
                Vector256<float> difference = Avx.Sqrt(power) - Vector256.LoadUnsafe(ref target, (nuint)k);
                accumulator += difference * difference;
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; k < count; k++)
        {
            float re = interleaved[2 * k];
            float im = interleaved[2 * k + 1];
            float difference = MathF.Sqrt(re * re + im * im) - magnitudes[k];
            sum += difference * difference;
        }

        return sum;
    }

    /// <summary>target[i] = source[i] * window[i] * scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyScaled(ReadOnlySpan<float> source, ReadOnlySpan<float> window, float scale, Span<float> target)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scaleVector = Vector256.Create(scale);
            for (; i + 8 <= target.Length; i += 8)
            {
                (Vector256.Create(source.Slice(i, 8)) * Vector256.Create(window.Slice(i, 8)) * scaleVector).CopyTo(target.Slice(i, 8));
            }
        }

        for (; i < target.Length; i++)
        {
            target[i] = source[i] * window[i] * scale;
        }
    }
}
