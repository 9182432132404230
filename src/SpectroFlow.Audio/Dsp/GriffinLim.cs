using SpectroFlow.Core.Randomness;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// torchaudio.functional.griffinlim for one channel, restricted to the STFT bins that can be nonzero (the linear
/// magnitudes are exactly zero above the filterbank's last bin, so phases there never reach the output):
/// <code>
/// angles = rand + i rand; prev = 0
/// repeat n: x = istft(S * angles); R = stft(x); a = R - m/(1+m) * prev; angles = a / (|a| + 1e-16); prev = R
/// return istft(S * angles)
/// </code>
/// istft divides the overlap-add by the summed squared window and trims n_fft/2 on each side (length hop*(T-1)).
/// </summary>
internal sealed class GriffinLim
{
    private readonly StftGeometry _geometry;
    private readonly int _bins;
    private readonly FramePool _pool;

    public GriffinLim(StftGeometry geometry, int bins, FramePool pool)
    {
        _geometry = geometry;
        _bins = bins;
        _pool = pool;
    }

    /// <summary>Runs the algorithm on magnitudes [frame][bin] and returns the waveform (same scale as the magnitudes).</summary>
    public float[] Run(float[] magnitudes, int frames, int iterations, double momentum, ulong seed, CancellationToken cancellationToken) =>
        Run(magnitudes, frames, iterations, momentum, seed, carried: default, frozenFrames: 0, finalSpectra: null, keepBest: false, inconsistency: default, cancellationToken);

    /// <summary>
    /// Runs the algorithm with the first frames' starting spectra given (<paramref name="carried"/>: complex
    /// [frame][bin] values, e.g. the last frames of the window before, so a windowed inversion continues the phases
    /// it had, or a whole phase estimate such as <see cref="PhaseGradientStart"/>'s), the rest started from random
    /// phases drawn from <paramref name="seed"/> as <see cref="Run(float[], int, int, double, ulong, CancellationToken)"/>
    /// draws them. The first <paramref name="frozenFrames"/> frames keep their carried spectra through every iteration
    /// (a boundary condition the rest of the window fits itself to). <paramref name="finalSpectra"/>, when given
    /// (frames * bins * 2), receives the complex spectra the returned waveform was made from.
    /// <para>
    /// <paramref name="keepBest"/>: measure each iterate's inconsistency (|| |STFT(x)| - S || / || S || over the frames that are not frozen) and return
    /// the most consistent one, the start and the last iterate included, so more iterations never give a worse result.
    /// Costs one more forward STFT pass (to measure the last iterate); off, the run is torchaudio's algorithm exactly.
    /// <paramref name="inconsistency"/>, when not empty (iterations + 1 values), receives the inconsistency of the waveform after 0, 1, ... iterations
    /// (index i: the signal made from the spectra that i updates produced).
    /// </para>
    /// </summary>
    public float[] Run(
        float[] magnitudes,
        int frames,
        int iterations,
        double momentum,
        ulong seed,
        ReadOnlySpan<float> carried,
        int frozenFrames,
        float[]? finalSpectra,
        bool keepBest,
        Span<double> inconsistency,
        CancellationToken cancellationToken)
    {
        int bins = _bins;
        int length = _geometry.Hop * (frames - 1);
        float[] envelope = _geometry.WindowEnvelope(frames, length);
        var next = finalSpectra ?? new float[frames * bins * 2];
        var previous = new float[frames * bins * 2];
        var frameOutputs = new float[frames * _geometry.WindowLength];
        var wave = new float[length];
        bool measure = keepBest || !inconsistency.IsEmpty;
        double[]? frameErrors = measure ? new double[frames] : null;
        float[]? best = keepBest ? new float[length] : null;
        double bestError = double.PositiveInfinity;
        double targetEnergy = measure ? TargetEnergy(magnitudes, frames, frozenFrames) : 0.0;

        // A start that covers every frame (PGHI) would overwrite all of the random phases: skip drawing them.
        if (carried.Length < next.Length)
        {
            var random = new DeterministicRandom(seed);
            for (int i = 0; i < frames * bins; i++)
            {
                float s = magnitudes[i];
                next[2 * i] = s * random.NextSingle();
                next[2 * i + 1] = s * random.NextSingle();
            }
        }

        carried.CopyTo(next);

        float alpha = (float)(momentum / (1.0 + momentum));
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            InverseStft(next, frames, frameOutputs, envelope, wave);
            _pool.For(frames, (start, end, worker) =>
            {
                RealFft fft = worker.Fft;
                for (int t = Math.Max(start, frozenFrames); t < end; t++)
                {
                    _geometry.LoadWindowedFrame(wave, t, fft);
                    fft.Forward();
                    if (frameErrors is not null)
                    {
                        frameErrors[t] = ComplexKernels.MagnitudeErrorSquared(fft.Spectrum[..(bins * 2)], magnitudes.AsSpan(t * bins, bins));
                    }

                    UpdateAngles(fft.Spectrum, t, magnitudes, next, previous, alpha);
                }
            });

            if (frameErrors is not null)
            {
                double error = SumErrors(frameErrors, frozenFrames);
                Record(inconsistency, iteration, error, targetEnergy);
                if (best is not null && error < bestError)
                {
                    bestError = error;
                    wave.CopyTo(best, 0);
                }
            }
        }

        InverseStft(next, frames, frameOutputs, envelope, wave);
        if (frameErrors is null)
        {
            return wave;
        }

        MeasureOrProject(wave, frames, frozenFrames, magnitudes, frameErrors, projectInto: null);
        double last = SumErrors(frameErrors, frozenFrames);
        Record(inconsistency, iterations, last, targetEnergy);
        if (best is null || last <= bestError)
        {
            return wave;
        }

        if (finalSpectra is not null)
        {
            // The spectra the best waveform is consistent with: the target magnitudes with its phases.
            MeasureOrProject(best, frames, frozenFrames, magnitudes, frameErrors, projectInto: finalSpectra);
        }

        return best;
    }

    private static double TargetEnergy(float[] magnitudes, int frames, int frozenFrames)
    {
        double energy = 0.0;
        int bins = magnitudes.Length / frames;
        for (int i = frozenFrames * bins; i < frames * bins; i++)
        {
            energy += (double)magnitudes[i] * magnitudes[i];
        }

        return energy;
    }

    private static double SumErrors(double[] frameErrors, int frozenFrames)
    {
        double sum = 0.0;
        for (int t = frozenFrames; t < frameErrors.Length; t++)
        {
            sum += frameErrors[t];
        }

        return sum;
    }

    private static void Record(Span<double> inconsistency, int index, double error, double targetEnergy)
    {
        if (index < inconsistency.Length)
        {
            inconsistency[index] = targetEnergy > 0.0 ? Math.Sqrt(error / targetEnergy) : 0.0;
        }
    }

    /// <summary>Per-frame errors of <paramref name="wave"/>; with <paramref name="projectInto"/>, also its phases on the target magnitudes.</summary>
    private void MeasureOrProject(float[] wave, int frames, int frozenFrames, float[] magnitudes, double[] frameErrors, float[]? projectInto)
    {
        int bins = _bins;
        _pool.For(frames, (start, end, worker) =>
        {
            RealFft fft = worker.Fft;
            for (int t = Math.Max(start, frozenFrames); t < end; t++)
            {
                _geometry.LoadWindowedFrame(wave, t, fft);
                fft.Forward();
                ReadOnlySpan<float> rebuilt = fft.Spectrum[..(bins * 2)];
                frameErrors[t] = ComplexKernels.MagnitudeErrorSquared(rebuilt, magnitudes.AsSpan(t * bins, bins));
                if (projectInto is not null)
                {
                    ComplexKernels.GriffinLimUpdate(rebuilt, new float[bins * 2], magnitudes.AsSpan(t * bins, bins), 0f, projectInto.AsSpan(t * bins * 2, bins * 2));
                }
            }
        });
    }

    private void UpdateAngles(ReadOnlySpan<float> rebuilt, int frame, float[] magnitudes, float[] next, float[] previous, float alpha)
    {
        int bins = _bins;
        ComplexKernels.GriffinLimUpdate(
            rebuilt[..(bins * 2)],
            previous.AsSpan(frame * bins * 2, bins * 2),
            magnitudes.AsSpan(frame * bins, bins),
            alpha,
            next.AsSpan(frame * bins * 2, bins * 2));
    }

    private void InverseStft(float[] spectra, int frames, float[] frameOutputs, float[] envelope, float[] wave)
    {
        int bins = _bins;
        int windowLength = _geometry.WindowLength;
        int offset = _geometry.WindowOffset;
        float[] window = _geometry.Window;
        float norm = 1f / _geometry.FftSize;
        _pool.For(frames, (start, end, worker) =>
        {
            RealFft fft = worker.InverseFft;
            for (int t = start; t < end; t++)
            {
                Span<float> spectrum = fft.Spectrum;
                spectra.AsSpan(t * bins * 2, bins * 2).CopyTo(spectrum);
                spectrum[(bins * 2)..].Clear();
                fft.Inverse();
                ReadOnlySpan<float> signal = fft.Signal.Slice(offset, windowLength);
                Span<float> output = frameOutputs.AsSpan(t * windowLength, windowLength);
                ComplexKernels.MultiplyScaled(signal, window, norm, output);
            }
        });

        // Overlap-add in output chunks; each chunk sums its frames in increasing order (deterministic).
        int hop = _geometry.Hop;
        int firstOffset = offset - _geometry.Pad;
        const int ChunkSamples = 16384;
        int chunks = (wave.Length + ChunkSamples - 1) / ChunkSamples;
        _pool.For(chunks, (start, end, _) =>
        {
            for (int chunk = start; chunk < end; chunk++)
            {
                int from = chunk * ChunkSamples;
                int to = Math.Min(wave.Length, from + ChunkSamples);
                Span<float> target = wave.AsSpan(from, to - from);
                target.Clear();
                int firstFrame = Math.Max(0, (from - firstOffset - windowLength) / hop);
                int lastFrame = Math.Min(frames - 1, (to - 1 - firstOffset) / hop);
                for (int t = firstFrame; t <= lastFrame; t++)
                {
                    int frameStart = t * hop + firstOffset;
                    int lo = Math.Max(from, frameStart);
                    int hi = Math.Min(to, frameStart + windowLength);
                    if (lo >= hi)
                    {
                        continue;
                    }

                    ReadOnlySpan<float> source = frameOutputs.AsSpan(t * windowLength + (lo - frameStart), hi - lo);
                    Span<float> destination = wave.AsSpan(lo, hi - lo);
                    for (int i = 0; i < source.Length; i++)
                    {
                        destination[i] += source[i];
                    }
                }

                for (int n = from; n < to; n++)
                {
                    wave[n] /= envelope[n];
                }
            }
        });
    }
}
