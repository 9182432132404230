using System.Buffers;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// Phase Gradient Heuristic Integration (Průša, Balazs, Søndergaard, "A Noniterative Method for Reconstruction of
/// Phase From STFT Magnitude", IEEE/ACM TASLP 25(5), 2017): starting phases for Griffin-Lim computed from the
/// magnitudes alone. The window is treated as the Gaussian exp(-pi t^2 / lambda) closest to it (for a Hann window of
/// L samples lambda = 0.25645 L^2, Table I of the paper), for which the phase derivatives follow from the log-magnitude
/// derivatives; the phase is then integrated (trapezoidal rule) outward from the largest coefficients, taken in
/// decreasing magnitude order from a max-heap (Algorithm 1 of the paper).
/// </summary>
/// <remarks>
/// With the phase referenced to the window centre x (V(x, w) = sum_m f(x + m) g(m) e^{-2 pi i w m}), a Gaussian
/// window gives (derived as in the paper's eq. (7)-(8), in this convention):
/// d phi / dx = 2 pi w + (1 / lambda) d log|V| / dw and d phi / dw = -lambda d log|V| / dx,
/// x in samples and w in cycles per sample. torch.stft references frame t's phase to the start of its n_fft frame,
/// whose window centre sits c = WindowOffset + L / 2 samples later, which multiplies bin k by e^{-2 pi i k c / n_fft}.
/// Single-threaded and free of randomness: the same magnitudes give the same bits whatever the thread count.
/// </remarks>
internal static class PhaseGradientStart
{
    /// <summary>lambda / L^2 of the Gaussian equivalent to a Hann window of length L (the paper's Table I).</summary>
    public const double HannGamma = 0.25645;

    private const double TwoPi = 2.0 * Math.PI;
    private const double InverseTwoPi = 1.0 / TwoPi;

    /// <summary>Coefficients below this fraction of the largest magnitude are left at zero phase (the paper's tol).</summary>
    public const float DefaultRelativeTolerance = 1e-5f;

    /// <summary>
    /// Interleaved (re, im) spectra [frame][bin] with the given magnitudes ([frame][bin], <paramref name="bins"/>
    /// per frame, the first bins of the STFT of <paramref name="geometry"/>) and PGHI phases.
    /// </summary>
    public static float[] Compute(ReadOnlySpan<float> magnitudes, int frames, int bins, StftGeometry geometry, float relativeTolerance = DefaultRelativeTolerance)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bins, geometry.FftSize / 2 + 1);
        int cells = checked(frames * bins);
        if (magnitudes.Length < cells)
        {
            throw new ArgumentException($"needs {cells} magnitudes, got {magnitudes.Length}", nameof(magnitudes));
        }

        magnitudes = magnitudes[..cells];
        var spectra = new float[cells * 2];
        float max = 0f;
        foreach (float s in magnitudes)
        {
            max = Math.Max(max, s);
        }

        if (!(max > 0f) || !float.IsFinite(max))
        {
            return spectra;
        }

        double[] phase = ArrayPool<double>.Shared.Rent(cells);
        double[] timeStep = ArrayPool<double>.Shared.Rent(cells);
        double[] binStep = ArrayPool<double>.Shared.Rent(cells);
        bool[] pending = ArrayPool<bool>.Shared.Rent(cells);
        try
        {
            PhaseSteps(magnitudes, frames, bins, geometry, max, timeStep.AsSpan(0, cells), binStep.AsSpan(0, cells));
            Integrate(magnitudes, frames, bins, max, max * relativeTolerance, timeStep, binStep, phase, pending);

            // Back from the window-centre phase to torch.stft's frame-start phase.
            double centre = geometry.WindowOffset + geometry.WindowLength / 2.0;
            double shift = -2.0 * Math.PI * centre / geometry.FftSize;
            for (int t = 0; t < frames; t++)
            {
                int row = t * bins;
                for (int k = 0; k < bins; k++)
                {
                    int cell = row + k;
                    // Reduced to [0, 2 pi) in double, then a float sine and cosine: the phases need float precision only.
                    double turns = (phase[cell] + shift * k) * InverseTwoPi;
                    (float sin, float cos) = MathF.SinCos((float)((turns - Math.Floor(turns)) * TwoPi));
                    float s = magnitudes[cell];
                    spectra[2 * cell] = s * cos;
                    spectra[2 * cell + 1] = s * sin;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(phase);
            ArrayPool<double>.Shared.Return(timeStep);
            ArrayPool<double>.Shared.Return(binStep);
            ArrayPool<bool>.Shared.Return(pending);
        }

        return spectra;
    }

    /// <summary>
    /// Per cell, the phase advance to the next frame (hop * d phi / dx) and to the next bin (d phi / dw / n_fft), from
    /// centred differences of the log-magnitude (one-sided at the edges; bin 0 mirrors bin 1, as a real signal's spectrum does).
    /// </summary>
    private static void PhaseSteps(ReadOnlySpan<float> magnitudes, int frames, int bins, StftGeometry geometry, float max, Span<double> timeStep, Span<double> binStep)
    {
        double n = geometry.FftSize;
        double hop = geometry.Hop;
        double lambda = HannGamma * geometry.WindowLength * (double)geometry.WindowLength;

        // d/dw = n_fft d/dk and d/dx = (1 / hop) d/dt, k and t in bins and frames.
        double carrier = 2.0 * Math.PI * hop / n;
        double timeScale = hop * n / lambda;
        double binScale = -lambda / (n * hop);

        // The log floor only keeps log(0) finite; cells that far down are below the tolerance and keep phase 0.
        double floor = max * 1e-12;
        Span<double> logs = timeStep; // holds the log-magnitudes until binStep is done
        for (int i = 0; i < logs.Length; i++)
        {
            logs[i] = Math.Log(Math.Max(magnitudes[i], floor));
        }

        for (int t = 0; t < frames; t++)
        {
            int row = t * bins;
            // Frame 0 is centred on the reflect padding's mirror point, so |X| is even in time there: derivative 0.
            int previous = t > 0 ? row - bins : row + bins;
            int next = t + 1 < frames ? row + bins : row;
            double scale = t + 1 < frames ? binScale / 2.0 : binScale;
            for (int k = 0; k < bins; k++)
            {
                binStep[row + k] = scale * (logs[next + k] - logs[previous + k]);
            }
        }

        // Now overwrite the logs row by row with the time steps; a row's frequency derivative needs only its own logs.
        double[] rented = ArrayPool<double>.Shared.Rent(bins);
        try
        {
            Span<double> rowLogs = rented.AsSpan(0, bins);
            for (int t = 0; t < frames; t++)
            {
                Span<double> row = timeStep.Slice(t * bins, bins);
                row.CopyTo(rowLogs);
                for (int k = 0; k < bins; k++)
                {
                    double derivative;
                    if (bins == 1)
                    {
                        derivative = 0.0;
                    }
                    else if (k == 0)
                    {
                        derivative = 0.0; // |X[-1]| = |X[1]|
                    }
                    else if (k + 1 == bins)
                    {
                        derivative = rowLogs[k] - rowLogs[k - 1];
                    }
                    else
                    {
                        derivative = (rowLogs[k + 1] - rowLogs[k - 1]) / 2.0;
                    }

                    row[k] = carrier * k + timeScale * derivative;
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Algorithm 1 of the paper: integration from the largest pending coefficient outward, repeated until none is left.
    /// The max-heap is a bucket queue on the log-magnitude (<see cref="Buckets"/> buckets over the tolerance's range,
    /// 0.024 dB each; last in, first out within a bucket): every operation is O(1) instead of O(log cells), and the
    /// order is fixed by integer arithmetic on the input alone, so the result cannot depend on threads or timing.
    /// </summary>
    private static void Integrate(ReadOnlySpan<float> magnitudes, int frames, int bins, float max, float threshold, double[] timeStep, double[] binStep, double[] phase, bool[] pending)
    {
        int cells = frames * bins;
        int[] bucketOf = ArrayPool<int>.Shared.Rent(cells);
        int[] link = ArrayPool<int>.Shared.Rent(cells);
        int[] heads = ArrayPool<int>.Shared.Rent(Buckets);
        int[] counts = ArrayPool<int>.Shared.Rent(Buckets + 1);
        int[] seeds = ArrayPool<int>.Shared.Rent(cells);
        try
        {
            double scale = (Buckets - 1) / Math.Log(max / (double)threshold);
            Array.Clear(counts, 0, Buckets + 1);
            int significant = 0;
            for (int i = 0; i < cells; i++)
            {
                phase[i] = 0.0;
                float s = magnitudes[i];
                pending[i] = s >= threshold;
                if (pending[i])
                {
                    int bucket = Math.Clamp((int)(Math.Log(max / (double)s) * scale), 0, Buckets - 1);
                    bucketOf[i] = bucket;
                    counts[bucket + 1]++;
                    significant++;
                }
            }

            // Seeds in decreasing magnitude (bucket), ties by increasing cell: a counting sort.
            for (int b = 0; b < Buckets; b++)
            {
                counts[b + 1] += counts[b];
            }

            for (int i = 0; i < cells; i++)
            {
                if (pending[i])
                {
                    seeds[counts[bucketOf[i]]++] = i;
                }
            }

            var queue = new BucketQueue(heads, link, bucketOf);
            for (int j = 0; j < significant; j++)
            {
                int seed = seeds[j];
                if (!pending[seed])
                {
                    continue;
                }

                pending[seed] = false;
                queue.Push(seed);
                while (queue.TryPop(out int cell))
                {
                    int t = cell / bins;
                    int k = cell - t * bins;
                    double here = phase[cell];
                    if (t + 1 < frames)
                    {
                        Visit(cell + bins, here + 0.5 * (timeStep[cell] + timeStep[cell + bins]), phase, pending, ref queue);
                    }

                    if (t > 0)
                    {
                        Visit(cell - bins, here - 0.5 * (timeStep[cell] + timeStep[cell - bins]), phase, pending, ref queue);
                    }

                    if (k + 1 < bins)
                    {
                        Visit(cell + 1, here + 0.5 * (binStep[cell] + binStep[cell + 1]), phase, pending, ref queue);
                    }

                    if (k > 0)
                    {
                        Visit(cell - 1, here - 0.5 * (binStep[cell] + binStep[cell - 1]), phase, pending, ref queue);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(bucketOf);
            ArrayPool<int>.Shared.Return(link);
            ArrayPool<int>.Shared.Return(heads);
            ArrayPool<int>.Shared.Return(counts);
            ArrayPool<int>.Shared.Return(seeds);
        }
    }

    private static void Visit(int cell, double value, double[] phase, bool[] pending, ref BucketQueue queue)
    {
        if (!pending[cell])
        {
            return;
        }

        pending[cell] = false;
        phase[cell] = value;
        queue.Push(cell);
    }

    /// <summary>Buckets of the integration queue: 4096 over the 100 dB between the largest magnitude and the tolerance.</summary>
    private const int Buckets = 4096;

    /// <summary>Cells by bucket (0 = loudest), each bucket a stack threaded through <c>link</c>.</summary>
    private struct BucketQueue
    {
        private readonly int[] _heads;
        private readonly int[] _link;
        private readonly int[] _bucketOf;
        private int _top;

        public BucketQueue(int[] heads, int[] link, int[] bucketOf)
        {
            _heads = heads;
            _link = link;
            _bucketOf = bucketOf;
            Array.Fill(heads, -1, 0, Buckets);
            _top = Buckets;
        }

        public void Push(int cell)
        {
            int bucket = _bucketOf[cell];
            _link[cell] = _heads[bucket];
            _heads[bucket] = cell;
            _top = Math.Min(_top, bucket);
        }

        public bool TryPop(out int cell)
        {
            while (_top < Buckets && _heads[_top] < 0)
            {
                _top++;
            }

            if (_top == Buckets)
            {
                cell = -1;
                return false;
            }

            cell = _heads[_top];
            _heads[_top] = _link[cell];
            return true;
        }
    }
}
