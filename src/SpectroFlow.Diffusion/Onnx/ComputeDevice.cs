namespace SpectroFlow.Diffusion.Onnx;

/// <summary>Where the ONNX models run (<c>--device</c>).</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when it loads, else the CPU with one log line saying why.</summary>
    Auto,

    /// <summary>The CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; an error when it does not load.</summary>
    Cuda,
}
