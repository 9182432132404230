using System.Collections.Concurrent;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// Runs a loop over STFT frames on several threads, each worker borrowing one <see cref="RealFft"/> (and its
/// scratch) from a pool that lives as long as the pool object, so repeated passes (Griffin-Lim) allocate nothing.
/// Work per frame must not depend on which worker runs it: results are then identical at any parallelism.
/// </summary>
internal sealed class FramePool : IDisposable
{
    private readonly ConcurrentBag<FrameWorker> _workers = [];
    private readonly int _fftSize;
    private readonly int _scratchLength;
    private readonly ParallelOptions _options;

    public FramePool(int fftSize, int scratchLength, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        _fftSize = fftSize;
        _scratchLength = scratchLength;
        _options = new ParallelOptions
        {
            MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount,
            CancellationToken = cancellationToken,
        };
    }

    /// <summary>Runs <paramref name="body"/> over [0, <paramref name="count"/>) in contiguous chunks.</summary>
    public void For(int count, Action<int, int, FrameWorker> body)
    {
        int workers = _options.MaxDegreeOfParallelism;
        if (workers <= 1 || count < 8)
        {
            FrameWorker worker = Rent();
            try
            {
                _options.CancellationToken.ThrowIfCancellationRequested();
                body(0, count, worker);
            }
            finally
            {
                _workers.Add(worker);
            }

            return;
        }

        int chunk = Math.Max(4, count / (workers * 8));
        Parallel.ForEach(
            Partitioner.Create(0, count, chunk),
            _options,
            Rent,
            (range, _, worker) =>
            {
                body(range.Item1, range.Item2, worker);
                return worker;
            },
            worker => _workers.Add(worker));
    }

    public void Dispose()
    {
        while (_workers.TryTake(out FrameWorker? worker))
        {
            worker.Dispose();
        }
    }

    private FrameWorker Rent() =>
        _workers.TryTake(out FrameWorker? worker) ? worker : new FrameWorker(RealFft.Create(_fftSize), new float[_scratchLength], new double[_scratchLength]);
}

/// <summary>
/// One worker's FFTs and scratch buffers. Forward and inverse transforms get separate instances so the forward
/// input stays zero outside the window (no clearing per frame) while the inverse overwrites its own buffer.
/// </summary>
internal sealed class FrameWorker(RealFft fft, float[] scratch, double[] scratchDouble) : IDisposable
{
    private RealFft? _inverseFft;

    public RealFft Fft { get; } = fft;

    public RealFft InverseFft => _inverseFft ??= RealFft.Create(Fft.Length);

    public float[] Scratch { get; } = scratch;

    public double[] ScratchDouble { get; } = scratchDouble;

    public void Dispose()
    {
        Fft.Dispose();
        _inverseFft?.Dispose();
    }
}
