using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SpectroFlow.Diffusion.Onnx;

/// <summary>
/// Conversion at the model boundary: the pipeline computes in float32, each model gets its inputs in the element type
/// its metadata declares (float16 exports, int32 or int64 ids, float or int64 timesteps) and gives float32 back.
/// </summary>
internal static class Tensors
{
    /// <summary>A new tensor of <paramref name="port"/>'s element type holding <paramref name="values"/>.</summary>
    public static OrtValue FromFloats(TensorPort port, ReadOnlySpan<float> values, long[] shape)
    {
        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, port.ElementType, shape);
        try
        {
            Write(value, port.ElementType, values);
            return value;
        }
        catch
        {
            value.Dispose();
            throw;
        }
    }

    /// <summary>A new integer tensor (int32 or int64, as the port declares) holding <paramref name="ids"/>.</summary>
    public static OrtValue FromIds(TensorPort port, ReadOnlySpan<int> ids, long[] shape)
    {
        OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, port.ElementType, shape);
        if (port.ElementType == TensorElementType.Int64)
        {
            Span<long> target = value.GetTensorMutableDataAsSpan<long>();
            for (int i = 0; i < ids.Length; i++)
            {
                target[i] = ids[i];
            }
        }
        else
        {
            ids.CopyTo(value.GetTensorMutableDataAsSpan<int>());
        }

        return value;
    }

    /// <summary>Writes <paramref name="values"/> into a tensor of element type <paramref name="type"/> (float, float16, int64 truncates).</summary>
    public static void Write(OrtValue value, TensorElementType type, ReadOnlySpan<float> values)
    {
        switch (type)
        {
            case TensorElementType.Float:
                values.CopyTo(value.GetTensorMutableDataAsSpan<float>());
                break;
            case TensorElementType.Float16:
                Span<Float16> half = value.GetTensorMutableDataAsSpan<Float16>();
                for (int i = 0; i < values.Length; i++)
                {
                    half[i] = (Float16)values[i];
                }

                break;
            case TensorElementType.Int64:
                // The diffusers ONNX pipeline feeds np.array([t], dtype=int64): truncation, not rounding (749.25 -> 749).
                Span<long> integers = value.GetTensorMutableDataAsSpan<long>();
                for (int i = 0; i < values.Length; i++)
                {
                    integers[i] = (long)values[i];
                }

                break;
            case TensorElementType.Double:
                Span<double> doubles = value.GetTensorMutableDataAsSpan<double>();
                for (int i = 0; i < values.Length; i++)
                {
                    doubles[i] = values[i];
                }

                break;
            default:
                throw new NotSupportedException($"Element type {type} is not supported at the model boundary.");
        }
    }

    /// <summary>Reads a float32 or float16 tensor into <paramref name="destination"/> as float32.</summary>
    public static void Read(OrtValue value, Span<float> destination)
    {
        TensorElementType type = value.GetTensorTypeAndShape().ElementDataType;
        if (type == TensorElementType.Float16)
        {
            ReadOnlySpan<Float16> half = value.GetTensorDataAsSpan<Float16>();
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)half[i];
            }
        }
        else
        {
            value.GetTensorDataAsSpan<float>()[..destination.Length].CopyTo(destination);
        }
    }

    /// <summary>The element count of a tensor value.</summary>
    public static long ElementCount(OrtValue value) => value.GetTensorTypeAndShape().ElementCount;

    /// <summary>The shape of a tensor value.</summary>
    public static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;
}
