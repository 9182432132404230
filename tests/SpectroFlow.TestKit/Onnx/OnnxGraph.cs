using System.Globalization;
using System.Runtime.InteropServices;

namespace SpectroFlow.TestKit.Onnx;

/// <summary>
/// Builds one ONNX graph node by node (in topological order, as they are added) and writes it as a model file. Field
/// numbers are onnx.proto's: ModelProto{ir_version 1, producer_name 2, graph 7, opset_import 8, metadata_props 14},
/// GraphProto{node 1, name 2, initializer 5, input 11, output 12}, NodeProto{input 1, output 2, name 3, op_type 4,
/// attribute 5}, AttributeProto{name 1, f 2, i 3, ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8, raw_data 9},
/// ValueInfoProto{name 1, type 2}, TypeProto{tensor_type 1}, TypeProto.Tensor{elem_type 1, shape 2},
/// TensorShapeProto{dim 1}, Dimension{dim_value 1, dim_param 2}, OperatorSetIdProto{domain 1, version 2}.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int ElementFloat = 1;

    /// <summary>TensorProto.DataType INT64.</summary>
    public const int ElementInt64 = 7;

    private readonly ProtoWriter _graph = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Starts a graph named <paramref name="name"/>.</summary>
    public OnnxGraph(string name)
    {
        _graph.String(2, name);
    }

    /// <summary>Number of weight values added so far.</summary>
    public long ParameterCount { get; private set; }

    /// <summary>Adds a graph input; each dimension is a fixed size (int) or a symbolic name (string).</summary>
    public void Input(string name, int elementType, params object[] dims) => _graph.Message(11, ValueInfo(name, elementType, dims));

    /// <summary>Adds a graph output; each dimension is a fixed size (int) or a symbolic name (string).</summary>
    public void Output(string name, int elementType, params object[] dims) => _graph.Message(12, ValueInfo(name, elementType, dims));

    /// <summary>A float32 initializer.</summary>
    public string Weight(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        ParameterCount += values.Length;
        return Initializer(name, ElementFloat, MemoryMarshal.AsBytes(values), dims);
    }

    /// <summary>A one-dimensional int64 constant (shapes, axes), named after <paramref name="hint"/>.</summary>
    public string Ints(string hint, params long[] values) =>
        Initializer(Unique(hint), ElementInt64, MemoryMarshal.AsBytes(values.AsSpan()), values.Length);

    /// <summary>A float32 scalar constant, named after <paramref name="hint"/>.</summary>
    public string Scalar(string hint, float value) => Initializer(Unique(hint), ElementFloat, MemoryMarshal.AsBytes(new[] { value }.AsSpan()));

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params OnnxAttr[] attributes) =>
        NamedNode(Unique(opType), opType, inputs, attributes);

    /// <summary>Adds a node whose one output is named <paramref name="output"/> (a graph output) and returns that name.</summary>
    public string NamedNode(string output, string opType, string[] inputs, params OnnxAttr[] attributes)
    {
        var node = new ProtoWriter();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output).String(3, output).String(4, opType);
        foreach (OnnxAttr attribute in attributes)
        {
            node.Message(5, attribute.ToProto());
        }

        _graph.Message(1, node);
        return output;
    }

    /// <summary>Writes the model (IR version 8, default domain at <paramref name="opset"/>) to <paramref name="path"/>.</summary>
    public void Save(string path, int opset, string producer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var model = new ProtoWriter()
            .Varint(1, 8)
            .String(2, producer)
            .Message(8, new ProtoWriter().String(1, string.Empty).Varint(2, opset))
            .Message(7, _graph);
        foreach ((string key, string value) in metadata ?? new Dictionary<string, string>())
        {
            model.Message(14, new ProtoWriter().String(1, key).String(2, value));
        }

        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, model.Written.ToArray());
        File.Move(temporary, path, overwrite: true);
    }

    private string Initializer(string name, int dataType, ReadOnlySpan<byte> raw, params long[] dims)
    {
        var tensor = new ProtoWriter();
        foreach (long dim in dims)
        {
            tensor.Varint(1, dim);
        }

        tensor.Varint(2, dataType).String(8, name).Bytes(9, raw);
        _graph.Message(5, tensor);
        return name;
    }

    private string Unique(string hint)
    {
        int count = _counts.GetValueOrDefault(hint);
        _counts[hint] = count + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{hint}_{count}");
    }

    private static ProtoWriter ValueInfo(string name, int elementType, object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (object dim in dims)
        {
            var dimension = dim switch
            {
                int size => new ProtoWriter().Varint(1, size),
                string symbol => new ProtoWriter().String(2, symbol),
                _ => throw new ArgumentException($"dimension '{dim}' of '{name}' is neither an int nor a string", nameof(dims)),
            };
            shape.Message(1, dimension);
        }

        var tensorType = new ProtoWriter().Varint(1, elementType).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}

/// <summary>One node attribute: an int, a float or a list of ints.</summary>
public sealed record OnnxAttr
{
    private OnnxAttr(string name)
    {
        Name = name;
    }

    /// <summary>The attribute's name.</summary>
    public string Name { get; }

    private long? IntValue { get; init; }

    private float? FloatValue { get; init; }

    private long[]? IntsValue { get; init; }

    /// <summary>An INT attribute.</summary>
    public static OnnxAttr Whole(string name, long value) => new(name) { IntValue = value };

    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttr Real(string name, float value) => new(name) { FloatValue = value };

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttr List(string name, params long[] values) => new(name) { IntsValue = values };

    internal ProtoWriter ToProto()
    {
        var proto = new ProtoWriter().String(1, Name);
        if (FloatValue is { } f)
        {
            proto.Float(2, f).Varint(20, 1);
        }
        else if (IntValue is { } i)
        {
            proto.Varint(3, i).Varint(20, 2);
        }
        else
        {
            foreach (long value in IntsValue!)
            {
                proto.Varint(8, value);
            }

            proto.Varint(20, 7);
        }

        return proto;
    }
}
