using System.Runtime.InteropServices;
using MathNet.Numerics.IntegralTransforms;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// A real-input FFT of one fixed length with its own working buffers. Not thread-safe: give each thread its own
/// instance (they share the cached FFTW plans). Conventions: <see cref="Forward"/> is unnormalised
/// (X[k] = sum x[n] e^{-2 pi i k n / N}); <see cref="Inverse"/> is unnormalised too (multiply by 1/N yourself).
/// The spectrum holds N/2+1 complex bins interleaved (re, im).
/// </summary>
internal abstract class RealFft : IDisposable
{
    private static readonly Lazy<bool> s_fftwAvailable = new(ProbeFftw);

    protected RealFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
    }

    /// <summary>True when FFTW could be loaded.</summary>
    public static bool IsFftwAvailable => s_fftwAvailable.Value;

    /// <summary>The transform length N.</summary>
    public int Length { get; }

    /// <summary>Number of complex bins: N/2 + 1.</summary>
    public int BinCount => Length / 2 + 1;

    /// <summary>Time-domain buffer of N samples: input of <see cref="Forward"/>, output of <see cref="Inverse"/>.</summary>
    public abstract Span<float> Signal { get; }

    /// <summary>Spectrum buffer of 2 * (N/2 + 1) floats: output of <see cref="Forward"/>, input of <see cref="Inverse"/>.</summary>
    public abstract Span<float> Spectrum { get; }

    /// <summary>Creates the fastest available implementation (FFTW, else a managed fallback; see <see cref="AudioDiagnostics"/>).</summary>
    public static RealFft Create(int length)
    {
        if (IsFftwAvailable)
        {
            return new FftwRealFft(length);
        }

        return new ManagedRealFft(length);
    }

    /// <summary>
    /// False while every sample of <see cref="Signal"/> outside the last loaded window is known to be zero, so
    /// STFT framing can skip clearing them; <see cref="Inverse"/> sets it.
    /// </summary>
    public bool SignalDirty { get; set; } = true;

    /// <summary>Signal -&gt; Spectrum.</summary>
    public abstract void Forward();

    /// <summary>Spectrum -&gt; Signal (unnormalised; the spectrum buffer may be overwritten).</summary>
    public void Inverse()
    {
        InverseCore();
        SignalDirty = true;
    }

    /// <summary>The transform behind <see cref="Inverse"/>.</summary>
    protected abstract void InverseCore();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private static bool ProbeFftw()
    {
        if (Environment.GetEnvironmentVariable("SPECTROFLOW_DISABLE_FFTW") == "1")
        {
            return false;
        }

        if (!NativeLibrary.TryLoad(FftwNative.LibraryName, typeof(RealFft).Assembly, null, out nint handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}

/// <summary>FFTW-backed transform: plans are made once per length (under a lock, FFTW's planner is not thread-safe)
/// and executed on each instance's own 64-byte-aligned buffers with FFTW's thread-safe new-array execute.</summary>
internal sealed unsafe class FftwRealFft : RealFft
{
    private static readonly object s_planLock = new();
    private static readonly Dictionary<int, (nint Forward, nint Inverse)> s_plans = [];

    private readonly (nint Forward, nint Inverse) _plans;
    private float* _signal;
    private float* _spectrum;

    public FftwRealFft(int length)
        : base(length)
    {
        _signal = (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
        _spectrum = (float*)NativeMemory.AlignedAlloc((nuint)(2 * BinCount * sizeof(float)), 64);
        new Span<float>(_signal, length).Clear();
        new Span<float>(_spectrum, 2 * BinCount).Clear();
        _plans = GetPlans(length, _signal, _spectrum);
    }

    ~FftwRealFft()
    {
        Dispose(false);
    }

    public override Span<float> Signal => new(_signal, Length);

    public override Span<float> Spectrum => new(_spectrum, 2 * BinCount);

    public override void Forward() => FftwNative.ExecuteRealToComplex(_plans.Forward, _signal, _spectrum);

    protected override void InverseCore() => FftwNative.ExecuteComplexToReal(_plans.Inverse, _spectrum, _signal);

    protected override void Dispose(bool disposing)
    {
        if (_signal != null)
        {
            NativeMemory.AlignedFree(_signal);
            NativeMemory.AlignedFree(_spectrum);
            _signal = null;
            _spectrum = null;
        }

        base.Dispose(disposing);
    }

    private static (nint Forward, nint Inverse) GetPlans(int length, float* signal, float* spectrum)
    {
        lock (s_planLock)
        {
            if (s_plans.TryGetValue(length, out (nint Forward, nint Inverse) plans))
            {
                return plans;
            }

            // Planning overwrites the buffers, which are scratch at this point. Plans live for the process.
            nint forward = FftwNative.PlanRealToComplex(length, signal, spectrum, FftwNative.Estimate);
            nint inverse = FftwNative.PlanComplexToReal(length, spectrum, signal, FftwNative.Estimate | FftwNative.DestroyInput);
            if (forward == 0 || inverse == 0)
            {
                throw new InvalidOperationException($"FFTW could not plan a real FFT of length {length}");
            }

            plans = (forward, inverse);
            s_plans[length] = plans;
            new Span<float>(signal, length).Clear();
            return plans;
        }
    }
}

/// <summary>Managed fallback (MathNet, Bluestein for lengths that are not powers of two): correct but slow.</summary>
internal sealed class ManagedRealFft : RealFft
{
    private readonly float[] _signal;
    private readonly float[] _spectrum;
    private readonly MathNet.Numerics.Complex32[] _work;

    public ManagedRealFft(int length)
        : base(length)
    {
        _signal = new float[length];
        _spectrum = new float[2 * BinCount];
        _work = new MathNet.Numerics.Complex32[length];
    }

    public override Span<float> Signal => _signal;

    public override Span<float> Spectrum => _spectrum;

    public override void Forward()
    {
        for (int n = 0; n < Length; n++)
        {
            _work[n] = new MathNet.Numerics.Complex32(_signal[n], 0f);
        }

        Fourier.Forward(_work, FourierOptions.AsymmetricScaling);
        for (int k = 0; k < BinCount; k++)
        {
            _spectrum[2 * k] = _work[k].Real;
            _spectrum[2 * k + 1] = _work[k].Imaginary;
        }
    }

    protected override void InverseCore()
    {
        int half = BinCount;
        for (int k = 0; k < half; k++)
        {
            _work[k] = new MathNet.Numerics.Complex32(_spectrum[2 * k], _spectrum[2 * k + 1]);
        }

        // Hermitian extension; DC and Nyquist imaginary parts are ignored, as a c2r transform does.
        _work[0] = new MathNet.Numerics.Complex32(_work[0].Real, 0f);
        if (Length % 2 == 0)
        {
            _work[half - 1] = new MathNet.Numerics.Complex32(_work[half - 1].Real, 0f);
        }

        for (int k = half; k < Length; k++)
        {
            _work[k] = MathNet.Numerics.Complex32.Conjugate(_work[Length - k]);
        }

        // AsymmetricScaling puts 1/N on the inverse; undo it so both implementations are unnormalised.
        Fourier.Inverse(_work, FourierOptions.AsymmetricScaling);
        for (int n = 0; n < Length; n++)
        {
            _signal[n] = _work[n].Real * Length;
        }
    }
}

/// <summary>Timing of the FFT that bounds the conversions from below (the "FFT floor" of the benchmarks).</summary>
public static class FftFloor
{
    /// <summary>True when the native FFTW library is used; false means the slow managed fallback.</summary>
    public static bool NativeFftAvailable => RealFft.IsFftwAvailable;

    /// <summary>Average seconds of one real FFT of <paramref name="length"/> points (forward and inverse alternated).</summary>
    public static double SecondsPerTransform(int length, int transforms = 400)
    {
        using RealFft fft = RealFft.Create(length);
        for (int i = 0; i < 20; i++)
        {
            fft.Forward();
        }

        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        for (int i = 0; i < transforms / 2; i++)
        {
            fft.Forward();
            fft.Inverse();
        }

        return System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / (transforms / 2 * 2);
    }
}
