using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// torchaudio's HTK triangular mel filterbank with no area normalisation (melscale_fbanks, norm=None), stored
/// sparsely: filter j covers the contiguous STFT bins [Start[j], Start[j] + Count[j]). Also solves the inverse
/// (minimum-norm least squares + ReLU, torchaudio &gt;= 2.1's InverseMelScale) with a banded Cholesky factor of
/// fb^T fb computed once.
/// </summary>
internal sealed class MelFilterBank
{
    private readonly int[] _start;
    private readonly int[] _count;
    private readonly int[] _offset;
    private readonly float[] _weights;
    private readonly double[] _choleskyBands;
    private readonly int _bandwidth;

    private MelFilterBank(int binCount, int melCount, int[] start, int[] count, int[] offset, float[] weights)
    {
        BinCount = binCount;
        MelCount = melCount;
        _start = start;
        _count = count;
        _offset = offset;
        _weights = weights;
        int used = 0;
        for (int j = 0; j < melCount; j++)
        {
            used = Math.Max(used, start[j] + count[j]);
        }

        UsedBinCount = used;
        (_choleskyBands, _bandwidth) = FactorGram();
    }

    /// <summary>Number of one-sided STFT bins the filterbank reads (n_fft/2 + 1).</summary>
    public int BinCount { get; }

    /// <summary>Number of mel filters.</summary>
    public int MelCount { get; }

    /// <summary>One past the highest STFT bin with a nonzero weight; bins at or above it never contribute.</summary>
    public int UsedBinCount { get; }

    /// <summary>Builds the filterbank exactly as torchaudio.functional.melscale_fbanks(mel_scale="htk", norm=None).</summary>
    public static MelFilterBank Create(SpectrogramParams parameters)
    {
        int binCount = parameters.BinCount;
        int melCount = parameters.NumFrequencies;
        double nyquist = parameters.SampleRate / 2; // torchaudio: linspace(0, sample_rate // 2, n_freqs)
        double melMin = HzToMel(parameters.MinFrequency);
        double melMax = HzToMel(parameters.MaxFrequency);
        var edges = new double[melCount + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            edges[i] = MelToHz(melMin + (melMax - melMin) * i / (melCount + 1));
        }

        var start = new int[melCount];
        var count = new int[melCount];
        var offset = new int[melCount];
        var weights = new List<float>();
        double binHz = nyquist / (binCount - 1);
        for (int j = 0; j < melCount; j++)
        {
            double lower = edges[j];
            double centre = edges[j + 1];
            double upper = edges[j + 2];
            int first = -1;
            offset[j] = weights.Count;
            for (int k = Math.Max(0, (int)Math.Floor(lower / binHz)); k < binCount; k++)
            {
                double f = k * binHz;
                if (f > upper)
                {
                    break;
                }

                double up = (f - lower) / (centre - lower);
                double down = (upper - f) / (upper - centre);
                double w = Math.Max(0.0, Math.Min(up, down));
                if (w > 0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }

                    // Keep interior zeros so the band stays contiguous.
                    while (first + weights.Count - offset[j] < k)
                    {
                        weights.Add(0f);
                    }

                    weights.Add((float)w);
                }
            }

            start[j] = Math.Max(first, 0);
            count[j] = weights.Count - offset[j];
        }

        return new MelFilterBank(binCount, melCount, start, count, offset, [.. weights]);
    }

    /// <summary>HTK mel scale: 2595 log10(1 + f / 700).</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + hz / 700.0);

    /// <summary>Inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);

    /// <summary>The weight of bin <paramref name="bin"/> in filter <paramref name="mel"/> (for tests).</summary>
    public float Weight(int bin, int mel)
    {
        int i = bin - _start[mel];
        return i >= 0 && i < _count[mel] ? _weights[_offset[mel] + i] : 0f;
    }

    /// <summary>mel[j] = sum_k fb[k, j] * magnitudes[k] (float32 sums, as torch's matmul). <paramref name="magnitudes"/> needs at least <see cref="UsedBinCount"/> values.</summary>
    public void Apply(ReadOnlySpan<float> magnitudes, Span<float> mel)
    {
        ReadOnlySpan<float> weights = _weights;
        for (int j = 0; j < MelCount; j++)
        {
            mel[j] = ComplexKernels.Dot(weights.Slice(_offset[j], _count[j]), magnitudes.Slice(_start[j], _count[j]));
        }
    }

    /// <summary>
    /// Minimum-norm least-squares linear magnitudes for one frame, then ReLU: s = relu(fb (fb^T fb)^-1 mel).
    /// Writes <see cref="UsedBinCount"/> values to <paramref name="linear"/>; <paramref name="scratch"/> needs <see cref="MelCount"/> doubles.
    /// </summary>
    public void SolveMinimumNorm(ReadOnlySpan<float> mel, Span<float> linear, Span<double> scratch)
    {
        int n = MelCount;
        int b = _bandwidth;
        Span<double> z = scratch[..n];
        ReadOnlySpan<double> l = _choleskyBands;

        // Forward substitution L y = mel, with L stored as rows of (b + 1) band entries ending at the diagonal.
        for (int i = 0; i < n; i++)
        {
            double sum = mel[i];
            int lo = Math.Max(0, i - b);
            for (int k = lo; k < i; k++)
            {
                sum -= l[i * (b + 1) + (k - i + b)] * z[k];
            }

            z[i] = sum / l[i * (b + 1) + b];
        }

        // Back substitution L^T x = y.
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = z[i];
            int hi = Math.Min(n - 1, i + b);
            for (int k = i + 1; k <= hi; k++)
            {
                sum -= l[k * (b + 1) + (i - k + b)] * z[k];
            }

            z[i] = sum / l[i * (b + 1) + b];
        }

        linear[..UsedBinCount].Clear();
        ReadOnlySpan<float> weights = _weights;
        for (int j = 0; j < n; j++)
        {
            double zj = z[j];
            ReadOnlySpan<float> w = weights.Slice(_offset[j], _count[j]);
            Span<float> s = linear.Slice(_start[j], _count[j]);
            for (int i = 0; i < w.Length; i++)
            {
                s[i] += (float)(w[i] * zj);
            }
        }

        for (int k = 0; k < UsedBinCount; k++)
        {
            if (!(linear[k] > 0f))
            {
                linear[k] = 0f;
            }
        }
    }

    private (double[] Bands, int Bandwidth) FactorGram()
    {
        int n = MelCount;
        int bandwidth = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n && _start[j] < _start[i] + _count[i]; j++)
            {
                bandwidth = Math.Max(bandwidth, j - i);
            }
        }

        int width = bandwidth + 1;
        var bands = new double[n * width];
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - bandwidth); j <= i; j++)
            {
                bands[i * width + (j - i + bandwidth)] = Dot(i, j);
            }
        }

        // In-place banded Cholesky: G = L L^T.
        for (int i = 0; i < n; i++)
        {
            for (int j = Math.Max(0, i - bandwidth); j <= i; j++)
            {
                double sum = bands[i * width + (j - i + bandwidth)];
                for (int k = Math.Max(0, i - bandwidth); k < j; k++)
                {
                    if (j - k <= bandwidth)
                    {
                        sum -= bands[i * width + (k - i + bandwidth)] * bands[j * width + (k - j + bandwidth)];
                    }
                }

                if (i == j)
                {
                    if (!(sum > 1e-12))
                    {
                        throw new ArgumentException(
                            $"the mel filterbank ({n} mels over {BinCount} FFT bins) has an empty or degenerate filter near mel bin {i}: " +
                            "use fewer mel bins or a longer padded window");
                    }

                    bands[i * width + bandwidth] = Math.Sqrt(sum);
                }
                else
                {
                    bands[i * width + (j - i + bandwidth)] = sum / bands[j * width + bandwidth];
                }
            }
        }

        return (bands, bandwidth);
    }

    private double Dot(int a, int b)
    {
        int lo = Math.Max(_start[a], _start[b]);
        int hi = Math.Min(_start[a] + _count[a], _start[b] + _count[b]);
        double sum = 0;
        for (int k = lo; k < hi; k++)
        {
            sum += (double)_weights[_offset[a] + k - _start[a]] * _weights[_offset[b] + k - _start[b]];
        }

        return sum;
    }
}
