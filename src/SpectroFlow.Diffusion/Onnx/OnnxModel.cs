using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Diffusion.Onnx;

/// <summary>
/// One ONNX model file in an inference session, with its inputs and outputs looked up by name in the session's
/// metadata (never by position) so each exporter's names, element types and ranks are checked once, when it loads.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxModel(string path, InferenceSession session)
    {
        Path = path;
        _session = session;
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>The session (for runs with pre-bound values).</summary>
    internal InferenceSession Session => _session;

    /// <summary>Loads <paramref name="path"/>; a missing or unreadable file is an <see cref="InvalidModelException"/> naming it.</summary>
    public static OnnxModel Load(string path, ExecutionProviders providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        if (!File.Exists(path))
        {
            throw new InvalidModelException(path, "file not found");
        }

        using SessionOptions options = providers.Create();
        try
        {
            return new OnnxModel(path, new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidModelException(path, $"not a loadable ONNX model ({FirstLine(ex.Message)})", ex);
        }
    }

    /// <summary>The input named <paramref name="name"/> (or the first of <paramref name="alternatives"/> present).</summary>
    public TensorPort Input(string name, params string[] alternatives) => Find(_session.InputMetadata, "input", name, alternatives);

    /// <summary>The output named <paramref name="name"/> (or the first of <paramref name="alternatives"/> present).</summary>
    public TensorPort Output(string name, params string[] alternatives) => Find(_session.OutputMetadata, "output", name, alternatives);

    /// <summary>True when the model has an input named <paramref name="name"/>.</summary>
    public bool HasInput(string name) => _session.InputMetadata.ContainsKey(name);

    /// <summary>The names of all inputs, in the model's order.</summary>
    public IReadOnlyList<string> InputNames => _session.InputNames;

    /// <summary>Runs a one-input model and returns its output <paramref name="outputName"/> as float32 (float16 converted).</summary>
    public float[] RunToFloats(string inputName, OrtValue input, string outputName)
    {
        using var runOptions = new RunOptions();
        try
        {
            using var outputs = _session.Run(runOptions, new Dictionary<string, OrtValue> { [inputName] = input }, [outputName]);
            var result = new float[Tensors.ElementCount(outputs[0])];
            Tensors.Read(outputs[0], result);
            return result;
        }
        catch (OnnxRuntimeException ex)
        {
            // A model with fixed dimensions that do not fit, or a broken graph: one line naming the file.
            throw new InvalidModelException(Path, $"run failed ({FirstLine(ex.Message)})", ex);
        }
    }

    /// <summary>Runs the model into pre-allocated <paramref name="outputValues"/> (no output allocation).</summary>
    public void Run(
        RunOptions runOptions,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputValues,
        IReadOnlyCollection<string> outputNames,
        IReadOnlyCollection<OrtValue> outputValues) =>
        _session.Run(runOptions, inputNames, inputValues, outputNames, outputValues);

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();

    internal static string FirstLine(string message)
    {
        string first = message.Split('\n', 2)[0].Trim();
        return first.Length > 240 ? first[..240] + "…" : first;
    }

    private TensorPort Find(IReadOnlyDictionary<string, NodeMetadata> metadata, string kind, string name, string[] alternatives)
    {
        foreach (string candidate in (string[])[name, .. alternatives])
        {
            if (metadata.TryGetValue(candidate, out NodeMetadata? node))
            {
                if (!node.IsTensor)
                {
                    throw new InvalidModelException(Path, $"{kind} '{candidate}' is not a tensor");
                }

                return new TensorPort(Path, candidate, node.ElementDataType, node.Dimensions);
            }
        }

        string expected = alternatives.Length == 0 ? $"'{name}'" : $"'{name}' (or '{string.Join("', '", alternatives)}')";
        throw new InvalidModelException(Path, $"no {kind} named {expected}; the model has {string.Join(", ", metadata.Keys)}");
    }
}

/// <summary>One named tensor input or output of a model: element type and dimensions (−1 for dynamic) from the metadata.</summary>
/// <param name="ModelPath">The model file, for error messages.</param>
/// <param name="Name">The tensor's name in the graph.</param>
/// <param name="ElementType">Its element type.</param>
/// <param name="Dimensions">Its dimensions (−1 where dynamic).</param>
public sealed record TensorPort(string ModelPath, string Name, TensorElementType ElementType, int[] Dimensions)
{
    /// <summary>Fails unless the element type is one of <paramref name="allowed"/>.</summary>
    public TensorPort Expect(params TensorElementType[] allowed)
    {
        if (Array.IndexOf(allowed, ElementType) < 0)
        {
            throw new InvalidModelException(
                ModelPath, $"'{Name}' has element type {Describe(ElementType)}, expected {string.Join(" or ", allowed.Select(Describe))}");
        }

        return this;
    }

    /// <summary>Fails unless the rank is <paramref name="rank"/> and every fixed dimension given in <paramref name="fixedDims"/> (−1 = any) matches.</summary>
    public TensorPort ExpectShape(int rank, params int[] fixedDims)
    {
        if (Dimensions.Length != rank)
        {
            throw new InvalidModelException(ModelPath, $"'{Name}' has shape {Shape}, expected rank {rank}");
        }

        for (int i = 0; i < fixedDims.Length && i < rank; i++)
        {
            if (fixedDims[i] >= 0 && Dimensions[i] >= 0 && Dimensions[i] != fixedDims[i])
            {
                throw new InvalidModelException(ModelPath, $"'{Name}' has shape {Shape}, expected dimension {i} to be {fixedDims[i]}");
            }
        }

        return this;
    }

    /// <summary>The shape as [a, b, ?] text.</summary>
    public string Shape => "[" + string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    /// <summary>True for float16 tensors (fp16 exports).</summary>
    public bool IsHalf => ElementType == TensorElementType.Float16;

    private static string Describe(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int64 => "int64",
        TensorElementType.Double => "float64",
        _ => type.ToString().ToLowerInvariant(),
    };
}
