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
    private static readonly Lock s_environmentGate = new();
    private static readonly DOrtLoggingFunction s_nativeLog = RecordNativeMessage;
    private static string? s_lastNativeError;
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
        EnsureEnvironment();
        if (_requested != ComputeDevice.Cpu && _cudaWorks != false)
        {
            SessionOptions cuda = Base();
            s_lastNativeError = null;
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
                // ONNX Runtime's own message names the library that failed to load (e.g. libcublasLt.so.13).
                string reason = OnnxModel.FirstLine(s_lastNativeError is { } native ? NativeReason(native) : ex.Message);
                if (_requested == ComputeDevice.Cuda)
                {
                    throw new SpectroFlowException($"--device cuda: the CUDA execution provider did not load ({reason})", ex);
                }

                _log($"CUDA is not available, running on CPU: {reason}");
            }
        }

        return Base();
    }

    /// <summary>
    /// Creates ONNX Runtime's process-wide environment once with a logging callback, so its native messages do not go to
    /// stderr on their own: the CUDA fallback is then the one line this class writes.
    /// </summary>
    private static void EnsureEnvironment()
    {
        lock (s_environmentGate)
        {
            if (OrtEnv.IsCreated)
            {
                return;
            }

            var options = new EnvironmentCreationOptions
            {
                logId = "spectroflow",
                logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                loggingFunction = s_nativeLog,
            };
            OrtEnv.CreateInstanceWithOptions(ref options);
        }
    }

    private static void RecordNativeMessage(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        if (severity >= OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR)
        {
            s_lastNativeError = message;
        }
    }

    /// <summary>The useful tail of a provider-bridge message: "… with error: libcublasLt.so.13: cannot open shared object file …".</summary>
    private static string NativeReason(string message)
    {
        int at = message.IndexOf("with error: ", StringComparison.Ordinal);
        return at >= 0 ? message[(at + "with error: ".Length)..] : message;
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
}
