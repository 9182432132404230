using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Audio.Dsp;

/// <summary>
/// torch.stft / torch.istft framing with center=True: the signal is reflect-padded by n_fft/2 on each side, frame t
/// starts at padded sample hop*t, and the periodic Hann window of win_length samples sits centred inside the
/// n_fft frame at <see cref="WindowOffset"/>. Only those window samples are ever nonzero.
/// </summary>
internal sealed class StftGeometry
{
    public StftGeometry(SpectrogramParams parameters)
    {
        FftSize = parameters.FftSize;
        Hop = parameters.HopLength;
        WindowLength = parameters.WindowLength;
        WindowOffset = (FftSize - WindowLength) / 2;
        Pad = FftSize / 2;
        Window = new float[WindowLength];
        for (int n = 0; n < WindowLength; n++)
        {
            // Periodic Hann (torch.hann_window default): divide by N, not N - 1.
            Window[n] = (float)(0.5 - 0.5 * Math.Cos(2.0 * Math.PI * n / WindowLength));
        }
    }

    public int FftSize { get; }

    public int Hop { get; }

    public int WindowLength { get; }

    public int WindowOffset { get; }

    /// <summary>Reflect padding on each side: n_fft / 2.</summary>
    public int Pad { get; }

    public float[] Window { get; }

    /// <summary>Frames for <paramref name="samples"/> samples: 1 + samples / hop.</summary>
    public int FrameCount(int samples) => 1 + samples / Hop;

    /// <summary>
    /// Copies frame <paramref name="frame"/>'s windowed samples of <paramref name="signal"/> (reflect-padded on the
    /// fly) into the FFT's input, zeroing everything outside the window when the buffer may hold other data.
    /// </summary>
    public void LoadWindowedFrame(ReadOnlySpan<float> signal, int frame, RealFft fft)
    {
        Span<float> fftInput = fft.Signal;
        if (fft.SignalDirty)
        {
            fftInput[..WindowOffset].Clear();
            fftInput[(WindowOffset + WindowLength)..].Clear();
            fft.SignalDirty = false;
        }

        int first = frame * Hop + WindowOffset - Pad; // index into the unpadded signal
        Span<float> target = fftInput.Slice(WindowOffset, WindowLength);
        ReadOnlySpan<float> window = Window;
        int n = signal.Length;
        if (first >= 0 && first + WindowLength <= n)
        {
            ComplexKernels.MultiplyScaled(signal.Slice(first, WindowLength), window, 1f, target);
            return;
        }

        for (int i = 0; i < target.Length; i++)
        {
            target[i] = signal[Reflect(first + i, n)] * window[i];
        }
    }

    /// <summary>numpy/torch "reflect" index (mirror without repeating the edge sample); needs n &gt; Pad.</summary>
    public static int Reflect(int index, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        int period = 2 * (n - 1);
        index %= period;
        if (index < 0)
        {
            index += period;
        }

        return index < n ? index : period - index;
    }

    /// <summary>
    /// Sum of squared windows overlapped at every output sample of a length-<paramref name="outputLength"/> istft,
    /// in unpadded coordinates (torch.istft's window envelope, already trimmed by n_fft / 2).
    /// </summary>
    public float[] WindowEnvelope(int frames, int outputLength)
    {
        var envelope = new float[outputLength];
        for (int t = 0; t < frames; t++)
        {
            int first = t * Hop + WindowOffset - Pad;
            for (int i = 0; i < WindowLength; i++)
            {
                int n = first + i;
                if ((uint)n < (uint)outputLength)
                {
                    envelope[n] += Window[i] * Window[i];
                }
            }
        }

        return envelope;
    }
}
