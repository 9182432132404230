using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Core.Items;

/// <summary>
/// Mel-scaled magnitude spectrogram, one matrix per channel. Each channel is row-major
/// [mel bin (0 = lowest frequency)][frame], i.e. element (m, t) is at m * <see cref="Frames"/> + t.
/// Amplitudes are linear magnitudes of audio at 16-bit scale (full scale = 32768), as Riffusion computes them.
/// </summary>
public sealed class MelSpectrogram : IHasFormat
{
    /// <summary>Wraps per-channel matrices of <paramref name="melBins"/> x <paramref name="frames"/> values.</summary>
    public MelSpectrogram(SpectrogramParams parameters, int melBins, int frames, float[][] channels)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(melBins);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        if (channels.Length == 0)
        {
            throw new ArgumentException("A spectrogram needs at least one channel.", nameof(channels));
        }

        foreach (float[] channel in channels)
        {
            if (channel.Length != melBins * frames)
            {
                throw new ArgumentException($"Each channel must hold {melBins} x {frames} values.", nameof(channels));
            }
        }

        Parameters = parameters;
        MelBins = melBins;
        Frames = frames;
        Channels = channels;
    }

    /// <summary>The conversion parameters the spectrogram was made with.</summary>
    public SpectrogramParams Parameters { get; }

    /// <summary>Number of mel bins (image height).</summary>
    public int MelBins { get; }

    /// <summary>Number of STFT frames (image width).</summary>
    public int Frames { get; }

    /// <summary>Row-major [mel][frame] matrices, one per channel.</summary>
    public float[][] Channels { get; }

    /// <summary>Number of channels (1 mono, 2 stereo).</summary>
    public int ChannelCount => Channels.Length;

    /// <summary>The largest amplitude over all channels (Riffusion's per-image max, EXIF MAX_VALUE).</summary>
    public float MaxValue()
    {
        float max = 0f;
        foreach (float[] channel in Channels)
        {
            foreach (float v in channel)
            {
                if (v > max)
                {
                    max = v;
                }
            }
        }

        return max;
    }

    /// <inheritdoc/>
    public PayloadFormat Format => new(Parameters.SampleRate, Channels.Length, Parameters);
}
