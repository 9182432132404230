using System.Buffers;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Dsp;

/// <summary>Options for turning a mel spectrogram back into audio.</summary>
public sealed record InversionOptions
{
    /// <summary>Griffin-Lim iterations; null uses the spectrogram's <see cref="SpectrogramParams.GriffinLimIterations"/>.</summary>
    public int? Iterations { get; init; }

    /// <summary>Seed of the random initial phases (torch.rand-style: real and imaginary parts uniform in [0, 1)); used only by <see cref="PhaseInit.Random"/>.</summary>
    public ulong Seed { get; init; }

    /// <summary>Griffin-Lim momentum (torchaudio's default 0.99).</summary>
    public double Momentum { get; init; } = 0.99;

    /// <summary>Worker threads; 0 uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Where Griffin-Lim's phases start, and with them the method (see <see cref="Dsp.PhaseInit"/>; default PGHI).</summary>
    public PhaseInit PhaseInit { get; init; } = PhaseInit.Pghi;
}

/// <summary>How an inversion finds the phases the image does not store.</summary>
public enum PhaseInit
{
    /// <summary>
    /// Riffusion's method exactly: torch.rand-style random starting phases from the seed, then torchaudio's Griffin-Lim
    /// (momentum 0.99) for the given iterations. The result depends on the seed.
    /// </summary>
    Random,

    /// <summary>
    /// Phases integrated from the magnitudes' gradients (<see cref="PhaseGradientStart"/>, Phase Gradient Heuristic
    /// Integration), then fast Griffin-Lim (momentum) keeping the most consistent iterate, so more iterations never give
    /// a worse result. Needs no seed: the same image gives the same audio.
    /// </summary>
    Pghi,
}

/// <summary>
/// Riffusion's audio &lt;-&gt; mel spectrogram transforms (torchaudio Spectrogram + MelScale forward;
/// InverseMelScale + GriffinLim back), for one set of <see cref="SpectrogramParams"/>. Thread-safe; get shared
/// instances of a run from <see cref="For"/>.
/// </summary>
public sealed class SpectrogramConverter
{
    /// <summary>Audio is analysed at 16-bit scale, as Riffusion does (pydub's integer samples).</summary>
    public const float SampleScale = 32768f;

    private readonly StftGeometry _geometry;
    private readonly MelFilterBank _filterBank;

    /// <summary>Builds the window and filterbank for <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">The parameters are invalid.</exception>
    public SpectrogramConverter(SpectrogramParams parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.EnsureValid();
        _geometry = new StftGeometry(parameters);
        _filterBank = MelFilterBank.Create(parameters);
    }

    /// <summary>The parameters this converter implements.</summary>
    public SpectrogramParams Parameters { get; }

    /// <summary>Worker threads for the forward transform; 0 uses every core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    internal MelFilterBank FilterBank => _filterBank;

    internal StftGeometry Geometry => _geometry;

    /// <summary>
    /// <paramref name="clip"/> mixed to the parameters' channel count (mono or stereo), then resampled to their sample
    /// rate: what <see cref="ToMel"/> needs. Returns the clip itself when it already fits.
    /// </summary>
    public AudioClip Conform(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        int channels = Parameters.Stereo ? 2 : 1;
        AudioClip mixed = clip.ChannelCount == channels ? clip : Codecs.ChannelMixer.ToChannels(clip, Parameters.Stereo);
        return mixed.SampleRate == Parameters.SampleRate ? mixed : Codecs.Resampler.Resample(mixed, Parameters.SampleRate);
    }

    /// <summary>
    /// The run's shared converter for <paramref name="parameters"/> (building one costs a few milliseconds): one per
    /// parameter set and run, disposed of with the run, so nothing outlives it.
    /// </summary>
    public static SpectrogramConverter For(RunContext run, SpectrogramParams parameters)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(parameters);
        return run.Resources.GetOrCreate("audio:spectrogram-converter:" + parameters, () => new SpectrogramConverter(parameters));
    }

    /// <summary>
    /// Mel magnitudes of <paramref name="clip"/>: |STFT| (centred, reflect-padded, periodic Hann) through the HTK
    /// filterbank, per channel. The clip must already be at <see cref="SpectrogramParams.SampleRate"/> with 2
    /// channels for stereo params and 1 otherwise.
    /// </summary>
    /// <exception cref="InvalidAudioException">Wrong rate or channel count, or a clip too short for reflect padding.</exception>
    public MelSpectrogram ToMel(AudioClip clip, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clip);
        string name = clip.Name.Length > 0 ? clip.Name : "audio";
        if (clip.SampleRate != Parameters.SampleRate)
        {
            throw new InvalidAudioException($"{name}: sample rate {clip.SampleRate} Hz differs from the spectrogram's {Parameters.SampleRate} Hz (resample first)");
        }

        int expectedChannels = Parameters.Stereo ? 2 : 1;
        if (clip.ChannelCount != expectedChannels)
        {
            throw new InvalidAudioException($"{name}: has {clip.ChannelCount} channels but the spectrogram expects {expectedChannels} (mix first)");
        }

        if (clip.Frames <= _geometry.Pad)
        {
            throw new InvalidAudioException(
                $"{name}: {clip.Frames} samples ({clip.DurationSeconds * 1000:0.#} ms) is too short; the STFT needs more than {_geometry.Pad} samples " +
                $"({_geometry.Pad * 1000.0 / clip.SampleRate:0.#} ms) for its reflect padding");
        }

        int frames = _geometry.FrameCount(clip.Frames);
        int mels = _filterBank.MelCount;
        int used = _filterBank.UsedBinCount;
        var output = new float[clip.ChannelCount][];
        using var pool = new FramePool(_geometry.FftSize, Math.Max(used, mels) * 2, MaxDegreeOfParallelism, cancellationToken);
        for (int c = 0; c < clip.ChannelCount; c++)
        {
            float[] signal = clip.Channels[c];
            float[] mel = new float[mels * frames];
            output[c] = mel;
            pool.For(frames, (start, end, worker) =>
            {
                Span<float> magnitudes = worker.Scratch.AsSpan(0, used);
                Span<float> melColumn = worker.Scratch.AsSpan(used, mels);
                for (int t = start; t < end; t++)
                {
                    _geometry.LoadWindowedFrame(signal, t, worker.Fft);
                    worker.Fft.Forward();
                    ComplexKernels.Magnitudes(worker.Fft.Spectrum, magnitudes, SampleScale);
                    _filterBank.Apply(magnitudes, melColumn);
                    for (int j = 0; j < mels; j++)
                    {
                        mel[j * frames + t] = melColumn[j];
                    }
                }
            });
        }

        return new MelSpectrogram(Parameters, mels, frames, output);
    }

    /// <summary>
    /// Audio from mel magnitudes: minimum-norm least squares + ReLU to linear magnitudes, then Griffin-Lim
    /// (torchaudio semantics: momentum, centred istft) from the start <see cref="InversionOptions.PhaseInit"/> picks. Output has hop * (frames - 1) samples
    /// per channel at full scale 1.0 and is NOT levelled (see <see cref="OutputLevelling"/>).
    /// </summary>
    /// <exception cref="InvalidImageException">The spectrogram is too narrow to invert.</exception>
    public AudioClip ToAudio(MelSpectrogram mel, InversionOptions? options = null, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mel);
        options ??= new InversionOptions();
        if (mel.MelBins != _filterBank.MelCount)
        {
            throw new InvalidImageException($"{name ?? "spectrogram"}: has {mel.MelBins} mel bins but the parameters say {_filterBank.MelCount}");
        }

        int samples = checked((int)Parameters.SamplesFor(mel.Frames));
        if (samples <= _geometry.Pad)
        {
            throw new InvalidImageException(
                $"{name ?? "spectrogram"}: {mel.Frames} columns decode to {samples} samples, too few for Griffin-Lim's reflect padding " +
                $"(needs more than {_geometry.Pad}, i.e. at least {_geometry.Pad / _geometry.Hop + 2} columns)");
        }

        int iterations = options.Iterations ?? Parameters.GriffinLimIterations;
        using var pool = new FramePool(_geometry.FftSize, _filterBank.MelCount * 2 + _filterBank.UsedBinCount, options.MaxDegreeOfParallelism, cancellationToken);
        var channels = new float[mel.ChannelCount][];
        for (int c = 0; c < mel.ChannelCount; c++)
        {
            float[] linear = ToLinear(mel.Channels[c], mel.Frames, pool);
            ulong seed = options.Seed + (ulong)c * 0x9E3779B97F4A7C15UL;
            var griffinLim = new GriffinLim(_geometry, _filterBank.UsedBinCount, pool);
            float[] wave = options.PhaseInit == PhaseInit.Pghi
                ? RunFromPghi(griffinLim, linear, mel.Frames, iterations, options.Momentum, pool, cancellationToken)
                : griffinLim.Run(linear, mel.Frames, iterations, options.Momentum, seed, cancellationToken);
            for (int i = 0; i < wave.Length; i++)
            {
                wave[i] /= SampleScale;
            }

            channels[c] = wave;
        }

        return new AudioClip(Parameters.SampleRate, channels, name);
    }

    private float[] RunFromPghi(GriffinLim griffinLim, float[] linear, int frames, int iterations, double momentum, FramePool pool, CancellationToken cancellationToken)
    {
        int bins = _filterBank.UsedBinCount;
        float[] start = ArrayPool<float>.Shared.Rent(frames * bins * 2);
        try
        {
            PhaseGradientStart.Compute(linear, frames, bins, _geometry, start, pool);
            return griffinLim.Run(
                linear, frames, iterations, momentum, seed: 0, start.AsSpan(0, frames * bins * 2),
                frozenFrames: 0, finalSpectra: null, keepBest: true, inconsistency: default, cancellationToken);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(start);
        }
    }

    /// <summary>Linear magnitudes [frame][bin &lt; UsedBinCount] from a [mel][frame] matrix.</summary>
    internal float[] ToLinear(float[] mel, int frames, FramePool pool)
    {
        int used = _filterBank.UsedBinCount;
        int mels = _filterBank.MelCount;
        var linear = new float[frames * used];
        pool.For(frames, (start, end, worker) =>
        {
            Span<float> column = worker.Scratch.AsSpan(0, mels);
            Span<double> scratch = worker.ScratchDouble.AsSpan(0, mels);
            for (int t = start; t < end; t++)
            {
                for (int j = 0; j < mels; j++)
                {
                    column[j] = mel[j * frames + t];
                }

                _filterBank.SolveMinimumNorm(column, linear.AsSpan(t * used, used), scratch);
            }
        });
        return linear;
    }
}
