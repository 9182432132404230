using Microsoft.ML.OnnxRuntime;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Onnx;

/// <summary>
/// Builds ONNX Runtime session options for a <see cref="ComputeDevice"/>. CUDA is tried once per model; when it does not
/// load (no GPU, no CUDA 12 / cuDNN 9 libraries), <see cref="ComputeDevice.Auto"/> falls back to the CPU and says why in
/// one log line, while an explicit <see cref="ComputeDevice.Cuda"/> is an error.
/// </summary>
public sealed class ExecutionProviders
{
    private readonly ComputeDevice _requested;
    private readonly Action<string> _log;
    private readonly int _threads;
    private bool? _cudaWorks;

    /// <summary>Prepares providers for <paramref name="device"/>; <paramref name="threads"/> 0 lets ONNX Runtime choose.</summary>
    public ExecutionProviders(ComputeDevice device, Action<string> log, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(log);
        _requested = device;
        _log = log;
        _threads = threads;
    }

    /// <summary>The provider the sessions actually use ("CUDA" or "CPU"), known after the first session was built.</summary>
    public string Active => _cudaWorks == true ? "CUDA" : "CPU";

    /// <summary>Creates the options for one session. The caller owns (disposes) them.</summary>
    public SessionOptions Create()
    {
        if (_requested != ComputeDevice.Cpu && _cudaWorks != false)
        {
            SessionOptions cuda = Base();
            try
            {
                cuda.AppendExecutionProvider_CUDA(0);
                _cudaWorks = true;
                return cuda;
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                cuda.Dispose();
                _cudaWorks = false;
                string reason = OneLine(ex.Message);
                if (_requested == ComputeDevice.Cuda)
                {
                    throw new SpectroFlowException($"--device cuda: the CUDA execution provider did not load ({reason})", ex);
                }

                _log($"CUDA is not available, running on CPU: {reason}");
            }
        }

        return Base();
    }

    private SessionOptions Base()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (_threads > 0)
        {
            options.IntraOpNumThreads = _threads;
        }

        return options;
    }

    private static string OneLine(string message)
    {
        string first = message.Split('\n', 2)[0].Trim();
        return first.Length > 200 ? first[..200] + "…" : first;
    }
}
