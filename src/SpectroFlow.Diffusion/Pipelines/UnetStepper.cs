using System.Numerics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpectroFlow.Diffusion.Onnx;

namespace SpectroFlow.Diffusion.Pipelines;

/// <summary>
/// The UNet call of one generation with classifier-free guidance as one batch [uncond; cond]. Every tensor is allocated
/// once, when the generation starts, and bound by name, so the denoising loop allocates no latent-sized buffer per step.
/// Float32 ports run on the managed buffers themselves (pinned ONNX Runtime tensors over the arrays: the scaled input is
/// written where the model reads it, the guidance reads where the model wrote); float16 and int64 ports get native
/// tensors and a conversion per call.
/// </summary>
internal sealed class UnetStepper : IDisposable
{
    private readonly Unet _unet;
    private readonly int _batch;
    private readonly int _latentLength;
    private readonly OrtValue _sample;
    private readonly OrtValue _timestep;
    private readonly OrtValue _hidden;
    private readonly OrtValue _output;
    private readonly float[] _input;
    private readonly float[] _raw;
    private readonly float[] _timesteps;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputValues;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputValues;
    private readonly bool _sampleBound;
    private readonly bool _timestepBound;
    private readonly bool _outputBound;

    /// <summary>Binds <paramref name="embeddings"/> ([batch × sequence × width]) for a latent of <paramref name="height"/> × <paramref name="width"/>.</summary>
    public UnetStepper(Unet unet, ReadOnlySpan<float> embeddings, int batch, int sequence, int height, int width)
    {
        _unet = unet;
        _batch = batch;
        _latentLength = 4 * height * width;
        long[] latentShape = [batch, 4, height, width];
        int timestepCount = unet.Timestep.Dimensions.Length == 0 || unet.Timestep.Dimensions[0] == 1 ? 1 : batch;
        long[] timestepShape = unet.Timestep.Dimensions.Length == 0 ? [] : [timestepCount];
        _input = new float[batch * _latentLength];
        _raw = new float[batch * _latentLength];
        _timesteps = new float[timestepCount];
        _sampleBound = unet.Sample.ElementType == TensorElementType.Float;
        _timestepBound = unet.Timestep.ElementType == TensorElementType.Float;
        _outputBound = unet.Output.ElementType == TensorElementType.Float;
        _sample = Bind(_sampleBound, _input, unet.Sample.ElementType, latentShape);
        _timestep = Bind(_timestepBound, _timesteps, unet.Timestep.ElementType, timestepShape);
        _hidden = Tensors.FromFloats(unet.Hidden, embeddings, [batch, sequence, embeddings.Length / (batch * sequence)]);
        _output = Bind(_outputBound, _raw, unet.Output.ElementType, latentShape);
        _inputNames = [unet.Sample.Name, unet.Timestep.Name, unet.Hidden.Name];
        _inputValues = [_sample, _timestep, _hidden];
        _outputNames = [unet.Output.Name];
        _outputValues = [_output];
    }

    /// <summary>The batched, scaled input of the last call.</summary>
    public ReadOnlySpan<float> LastInput => _input;

    /// <summary>The raw output of the last call.</summary>
    public ReadOnlySpan<float> LastOutput => _raw;

    /// <summary>
    /// Predicts the noise in <paramref name="latents"/> at <paramref name="timestep"/> and writes the guided prediction
    /// ε_u + g (ε_c − ε_u) to <paramref name="epsilon"/>.
    /// </summary>
    public void Predict(ReadOnlySpan<float> latents, double inputScale, double timestep, double guidance, Span<float> epsilon, RunOptions runOptions)
    {
        float scale = (float)inputScale;
        for (int b = 0; b < _batch; b++)
        {
            Span<float> target = _input.AsSpan(b * _latentLength, _latentLength);
            if (inputScale == 1)
            {
                latents.CopyTo(target);
            }
            else
            {
                for (int i = 0; i < _latentLength; i++)
                {
                    target[i] = latents[i] * scale;
                }
            }
        }

        Array.Fill(_timesteps, (float)timestep);
        if (!_sampleBound)
        {
            Tensors.Write(_sample, _unet.Sample.ElementType, _input);
        }

        if (!_timestepBound)
        {
            Tensors.Write(_timestep, _unet.Timestep.ElementType, _timesteps);
        }

        _unet.Model.Run(runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
        if (!_outputBound)
        {
            Tensors.Read(_output, _raw);
        }

        if (_batch == 1)
        {
            _raw.AsSpan(0, _latentLength).CopyTo(epsilon);
            return;
        }

        float g = (float)guidance;
        ReadOnlySpan<float> unconditional = _raw.AsSpan(0, _latentLength);
        ReadOnlySpan<float> conditional = _raw.AsSpan(_latentLength, _latentLength);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Lane by lane the same operations as the scalar tail, so the results do not depend on the vector width.
            var weight = new Vector<float>(g);
            for (; k <= _latentLength - Vector<float>.Count; k += Vector<float>.Count)
            {
                var u = new Vector<float>(unconditional[k..]);
                (u + (weight * (new Vector<float>(conditional[k..]) - u))).CopyTo(epsilon[k..]);
            }
        }

        for (; k < _latentLength; k++)
        {
            epsilon[k] = unconditional[k] + (g * (conditional[k] - unconditional[k]));
        }
    }

    /// <summary>
    /// The model call alone on the values as bound now, with nothing staged, converted or combined: the baseline
    /// <see cref="UnetBenchmark"/> compares <see cref="Predict"/> with.
    /// </summary>
    public void RunBound(RunOptions runOptions) => _unet.Model.Session.Run(runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    /// <inheritdoc/>
    public void Dispose()
    {
        _sample.Dispose();
        _timestep.Dispose();
        _hidden.Dispose();
        _output.Dispose();
    }

    /// <summary>A tensor over <paramref name="buffer"/> itself when <paramref name="bound"/> (float32), else a native one of <paramref name="type"/>.</summary>
    private static OrtValue Bind(bool bound, float[] buffer, TensorElementType type, long[] shape) =>
        bound ? OrtValue.CreateTensorValueFromMemory(buffer, shape) : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
}
