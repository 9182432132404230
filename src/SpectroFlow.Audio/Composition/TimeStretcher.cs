namespace SpectroFlow.Audio.Composition;

/// <summary>
/// WSOLA time stretching (Verhelst and Roelands 1993): Hann frames overlap-added at a fixed output hop (a quarter frame: four frames share each sample, which evens out transients), each taken from
/// near its nominal input position at the offset whose waveform best continues the previous frame, so the pitch is kept
/// and no phase vocoder smearing appears at the small ratios a beat-matched crossfade needs (±4 %).
/// </summary>
public static class TimeStretcher
{
    private const int FrameLength = 1024;
    private const int OutputHop = FrameLength / 4;
    private const int Tolerance = 256;

    /// <summary>The output length for <paramref name="inputFrames"/> stretched by <paramref name="ratio"/>: round(N × ratio).</summary>
    public static int OutputLength(int inputFrames, double ratio) => checked((int)Math.Round(inputFrames * ratio, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Stretches planar <paramref name="channels"/> by <paramref name="ratio"/> (output length / input length; above 1 is
    /// slower) to exactly <see cref="OutputLength"/> samples per channel. All channels take the same frames (chosen on
    /// their mean), so the stereo image stays put.
    /// </summary>
    public static float[][] Stretch(float[][] channels, double ratio, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        if (!(ratio is > 0.25 and < 4))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, "The ratio must be between 0.25 and 4.");
        }

        int inputLength = channels[0].Length;
        int outputLength = OutputLength(inputLength, ratio);
        var output = new float[channels.Length][];
        for (int c = 0; c < channels.Length; c++)
        {
            output[c] = new float[outputLength];
        }

        if (ratio == 1.0)
        {
            for (int c = 0; c < channels.Length; c++)
            {
                channels[c].AsSpan().CopyTo(output[c]);
            }

            return output;
        }

        float[] mono = Mix(channels);
        var window = new float[FrameLength];
        for (int n = 0; n < FrameLength; n++)
        {
            window[n] = 0.5f - (0.5f * MathF.Cos(2 * MathF.PI * n / FrameLength));
        }

        var weight = new float[outputLength];
        double inputHop = OutputHop / ratio;

        // Frames are centred: frame k covers output [k·hop − L/2, k·hop + L/2) and input around k·hop / ratio.
        int previousStart = -FrameLength / 2;
        for (int k = 0; ; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int outputStart = (k * OutputHop) - (FrameLength / 2);
            if (outputStart >= outputLength)
            {
                break;
            }

            int nominal = (int)Math.Round((k * inputHop) - (FrameLength / 2));
            int start = k == 0 ? nominal : BestStart(mono, previousStart + OutputHop, nominal);
            for (int c = 0; c < channels.Length; c++)
            {
                float[] source = channels[c];
                float[] target = output[c];
                for (int n = 0; n < FrameLength; n++)
                {
                    int o = outputStart + n;
                    int i = start + n;
                    if ((uint)o < (uint)outputLength && (uint)i < (uint)inputLength)
                    {
                        target[o] += window[n] * source[i];
                    }
                }
            }

            for (int n = 0; n < FrameLength; n++)
            {
                int o = outputStart + n;
                if ((uint)o < (uint)outputLength)
                {
                    weight[o] += window[n];
                }
            }

            previousStart = start;
        }

        for (int o = 0; o < outputLength; o++)
        {
            float w = weight[o] > 1e-3f ? 1f / weight[o] : 0f;
            for (int c = 0; c < channels.Length; c++)
            {
                output[c][o] *= w;
            }
        }

        return output;
    }

    /// <summary>
    /// The input start within ±<see cref="Tolerance"/> of <paramref name="nominal"/> whose frame best matches the natural
    /// continuation of the previous frame (cross-correlation, coarse then fine).
    /// </summary>
    private static int BestStart(float[] mono, int continuation, int nominal)
    {
        int best = nominal;
        double bestScore = double.NegativeInfinity;
        for (int delta = -Tolerance; delta <= Tolerance; delta += 4)
        {
            double score = Correlation(mono, continuation, nominal + delta, 8);
            if (score > bestScore)
            {
                bestScore = score;
                best = nominal + delta;
            }
        }

        int coarse = best;
        for (int delta = -3; delta <= 3; delta++)
        {
            double score = Correlation(mono, continuation, coarse + delta, 2);
            if (delta == -3 || score > bestScore)
            {
                bestScore = score;
                best = coarse + delta;
            }
        }

        return best;
    }

    private static double Correlation(float[] mono, int a, int b, int step)
    {
        double sum = 0;
        for (int n = 0; n < FrameLength; n += step)
        {
            int i = a + n;
            int j = b + n;
            if ((uint)i < (uint)mono.Length && (uint)j < (uint)mono.Length)
            {
                sum += mono[i] * mono[j];
            }
        }

        return sum;
    }

    private static float[] Mix(float[][] channels)
    {
        if (channels.Length == 1)
        {
            return channels[0];
        }

        var mono = new float[channels[0].Length];
        foreach (float[] channel in channels)
        {
            for (int n = 0; n < mono.Length; n++)
            {
                mono[n] += channel[n];
            }
        }

        return mono;
    }
}
