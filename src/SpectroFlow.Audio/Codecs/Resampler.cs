using System.Buffers;
using System.Numerics;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Band-limited sample-rate conversion with a Kaiser-windowed sinc filter in polyphase form: passband flat
/// (within 0.01 dB) to 0.45 x the lower of the two rates, stopband from 0.5 x that rate with at least 100 dB
/// attenuation (designed; float32 arithmetic limits the noise floor to about -130 dB). The filter is symmetric, so
/// the output is not delayed. For rate ratios with a small numerator (all common rates) the exact polyphase filters
/// are precomputed; otherwise 1024 phases are interpolated linearly (error below -110 dB).
/// </summary>
public static class Resampler
{
    private const double PassbandEdge = 0.45;
    private const double StopbandEdge = 0.5;
    private const double StopbandAttenuationDb = 100;
    private const int MaxExactPhases = 1024;
    private const int InterpolatedPhases = 1024;

    /// <summary>
    /// Resamples every channel of <paramref name="clip"/> to <paramref name="targetRate"/>. The result has
    /// round(frames x targetRate / sampleRate) frames. A clip already at <paramref name="targetRate"/> is returned as is.
    /// </summary>
    /// <param name="clip">The audio to convert.</param>
    /// <param name="targetRate">The new sample rate in Hz.</param>
    /// <returns>The resampled clip, with the same name and channel count.</returns>
    public static AudioClip Resample(AudioClip clip, int targetRate)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        if (clip.SampleRate == targetRate)
        {
            return clip;
        }

        var filter = new PolyphaseFilter(clip.SampleRate, targetRate);
        long outputFrames = ((long)clip.Frames * targetRate + (clip.SampleRate / 2)) / clip.SampleRate;
        if (outputFrames > Array.MaxLength)
        {
            throw new ArgumentException($"'{clip.Name}' would be {outputFrames:N0} frames long at {targetRate} Hz, more than one array can hold.", nameof(clip));
        }

        float[][] output = new float[clip.ChannelCount][];
        Parallel.For(0, clip.ChannelCount, c =>
        {
            output[c] = new float[(int)outputFrames];
            filter.Apply(clip.Channels[c], output[c]);
        });
        return new AudioClip(targetRate, output, clip.Name);
    }

    /// <summary>The filter bank for one rate pair: row p holds the taps for output times p/phases between input samples.</summary>
    private sealed class PolyphaseFilter
    {
        private readonly long _inputStep; // M: input samples advanced per L output samples, reduced by the gcd
        private readonly long _outputStep; // L
        private readonly int _halfLength; // K: taps reach K samples either side of the output time
        private readonly int _phases;
        private readonly bool _interpolate;
        private readonly float[] _taps; // (_phases + 1) rows of 2K taps

        public PolyphaseFilter(int inputRate, int outputRate)
        {
            long divisor = (long)BigInteger.GreatestCommonDivisor(inputRate, outputRate);
            _inputStep = inputRate / divisor;
            _outputStep = outputRate / divisor;
            _interpolate = _outputStep > MaxExactPhases;
            _phases = _interpolate ? InterpolatedPhases : (int)_outputStep;

            // Everything in units of input samples: cutoff and transition width relative to the input rate.
            double lowerRate = Math.Min(inputRate, outputRate);
            double cutoff = (PassbandEdge + StopbandEdge) / 2 * lowerRate / inputRate;
            double transition = (StopbandEdge - PassbandEdge) * lowerRate / inputRate;
            double beta = 0.1102 * (StopbandAttenuationDb - 8.7);
            double length = (StopbandAttenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition);
            _halfLength = (int)Math.Ceiling(length / 2) + 1;
            int width = 2 * _halfLength;
            _taps = new float[(_phases + 1) * width];
            double besselOfBeta = BesselI0(beta);
            double[] row = new double[width];
            for (int phase = 0; phase <= _phases; phase++)
            {
                double fraction = (double)phase / _phases;
                double sum = 0;
                for (int k = 0; k < width; k++)
                {
                    // Tap k multiplies input sample (floor(t) - K + 1 + k); its distance from the output time t:
                    double distance = k - _halfLength + 1 - fraction;
                    double x = distance / _halfLength;
                    double window = Math.Abs(x) >= 1 ? 0 : BesselI0(beta * Math.Sqrt(1 - (x * x))) / besselOfBeta;
                    double value = 2 * cutoff * Sinc(2 * cutoff * distance) * window;
                    row[k] = value;
                    sum += value;
                }

                // Unity gain at DC for every phase, so constant input gives constant output.
                Span<float> destination = _taps.AsSpan(phase * width, width);
                for (int k = 0; k < width; k++)
                {
                    destination[k] = (float)(row[k] / sum);
                }
            }
        }

        public void Apply(float[] input, float[] output)
        {
            int width = 2 * _halfLength;

            // Zero-padded copy so that every output sample reads a full window.
            int paddedLength = input.Length + width + 1;
            float[] padded = ArrayPool<float>.Shared.Rent(paddedLength);
            try
            {
                Span<float> paddedSpan = padded.AsSpan(0, paddedLength);
                paddedSpan.Clear();
                input.CopyTo(paddedSpan[_halfLength..]);
                ReadOnlySpan<float> taps = _taps;
                for (int j = 0; j < output.Length; j++)
                {
                    long numerator = j * _inputStep;
                    int whole = (int)(numerator / _outputStep);
                    long remainder = numerator % _outputStep;

                    // Input sample (whole - K + 1) sits at padded index (whole + 1).
                    ReadOnlySpan<float> window = paddedSpan.Slice(whole + 1, width);
                    if (!_interpolate)
                    {
                        output[j] = Dot(window, taps.Slice((int)remainder * width, width));
                    }
                    else
                    {
                        double position = (double)remainder / _outputStep * _phases;
                        int phase = (int)position;
                        float weight = (float)(position - phase);
                        float lower = Dot(window, taps.Slice(phase * width, width));
                        float upper = Dot(window, taps.Slice((phase + 1) * width, width));
                        output[j] = lower + (weight * (upper - lower));
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(padded);
            }
        }

        private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            var sum = Vector<float>.Zero;
            int i = 0;
            for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
            }

            float result = Vector.Sum(sum);
            for (; i < a.Length; i++)
            {
                result += a[i] * b[i];
            }

            return result;
        }

        private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

        /// <summary>Modified Bessel function of the first kind, order 0 (power series; converges fast for the betas used here).</summary>
        private static double BesselI0(double x)
        {
            double sum = 1;
            double term = 1;
            double halfX = x / 2;
            for (int k = 1; k < 64; k++)
            {
                term *= halfX / k;
                double squared = term * term;
                sum += squared;
                if (squared < sum * 1e-17)
                {
                    break;
                }
            }

            return sum;
        }
    }
}
