using System.Runtime.InteropServices;

namespace SpectroFlow.Audio.Dsp;

/// <summary>Thin P/Invoke layer over FFTW's single-precision library (Debian package libfftw3-single3).</summary>
internal static unsafe partial class FftwNative
{
    public const string LibraryName = "libfftw3f.so.3";
    public const string AptPackage = "libfftw3-single3";

    public const uint Measure = 0;
    public const uint DestroyInput = 1u << 0;
    public const uint Estimate = 1u << 6;

    [LibraryImport(LibraryName, EntryPoint = "fftwf_plan_dft_r2c_1d")]
    public static partial nint PlanRealToComplex(int n, float* input, float* output, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "fftwf_plan_dft_c2r_1d")]
    public static partial nint PlanComplexToReal(int n, float* input, float* output, uint flags);

    [LibraryImport(LibraryName, EntryPoint = "fftwf_execute_dft_r2c")]
    public static partial void ExecuteRealToComplex(nint plan, float* input, float* output);

    [LibraryImport(LibraryName, EntryPoint = "fftwf_execute_dft_c2r")]
    public static partial void ExecuteComplexToReal(nint plan, float* input, float* output);

    [LibraryImport(LibraryName, EntryPoint = "fftwf_destroy_plan")]
    public static partial void DestroyPlan(nint plan);
}
