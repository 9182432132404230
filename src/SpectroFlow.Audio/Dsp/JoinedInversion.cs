using System.Globalization;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Dsp;

/// <summary>One spectrogram of a join: its mel, the name that messages use, and its level relative to the others.</summary>
/// <param name="Mel">The part's mel spectrogram (as decoded from its image).</param>
/// <param name="Name">The part's name in messages (its file).</param>
/// <param name="Gain">Factor on its amplitudes: the image's EXIF MAX_VALUE over the 30e6 every image decodes to, or 1 without EXIF.</param>
public readonly record struct JoinPart(MelSpectrogram Mel, string Name, double Gain = 1.0);

/// <summary>Options of <see cref="JoinedInversion"/>.</summary>
public sealed record JoinedInversionOptions
{
    /// <summary>Griffin-Lim iterations per window.</summary>
    public int Iterations { get; init; } = 32;

    /// <summary>Columns the parts overlap by besides the shared seam column (crossfade = this many hops).</summary>
    public int CrossfadeColumns { get; init; }

    /// <summary>Columns per Griffin-Lim window (bounds the memory of the inversion).</summary>
    public int WindowColumns { get; init; } = 1024;

    /// <summary>Columns consecutive windows share (phases carried over, output crossfaded).</summary>
    public int OverlapColumns { get; init; } = 128;

    /// <summary>Seed of the random initial phases (the first window draws exactly what a plain inversion draws); <see cref="PhaseInit.Random"/> only.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Where each window's phases start (default PGHI): a window's first frames continue the window before, the rest
    /// start from the window's own PGHI phases (or random ones), and with PGHI each window keeps its most consistent iterate.
    /// </summary>
    public PhaseInit PhaseInit { get; init; } = PhaseInit.Pghi;

    /// <summary>Griffin-Lim momentum (torchaudio's default 0.99).</summary>
    public double Momentum { get; init; } = 0.99;

    /// <summary>Worker threads; 0 uses every core. Results do not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; }
}

/// <summary>
/// Joins spectrograms into one track and inverts it as ONE phase-continuous signal, so the seams between parts do not
/// click as they do when each part is inverted on its own (its phases start from random and meet the next part's at
/// random). See docs/decisions/2026-12-05-join-windowed-griffin-lim.md.
/// <list type="bullet">
/// <item>Joining: part i covers hop * (W_i - 1) samples, so consecutive parts share their seam column (the last
/// column of one and the first of the next describe the same instant); with a crossfade of c columns they share
/// c + 1. Shared columns are mixed in power with a linear equal-power ramp: sqrt((1 - w) A^2 + w B^2). The track has
/// sum(W_i) - (n - 1)(c + 1) columns, i.e. exactly sum(hop (W_i - 1)) - (n - 1) c hop samples.</item>
/// <item>Inversion: Griffin-Lim over windows of <see cref="JoinedInversionOptions.WindowColumns"/> columns that
/// overlap by <see cref="JoinedInversionOptions.OverlapColumns"/>: each window starts its overlap from the spectra the
/// window before ended with (the first half of the overlap stays fixed, a boundary condition), and the outputs are
/// crossfaded (raised cosine) across the overlap. Memory: the track's mel plus one window's state, whatever the
/// length. A track of at most one window is exactly the plain inversion with the same seed.</item>
/// </list>
/// </summary>
public static class JoinedInversion
{
    private const ulong ChannelSeedStep = 0x9E3779B97F4A7C15UL;
    private const ulong WindowSeedStep = 0xD1B54A32D192ED03UL;

    /// <summary>
    /// Checks that the parts can be joined (same parameters and height as the first, wide enough for the crossfade) and
    /// joins them into one spectrogram, each part scaled by its gain.
    /// </summary>
    /// <exception cref="SpectroFlowException">No parts, or a part that does not fit (the message names it).</exception>
    public static MelSpectrogram Join(IReadOnlyList<JoinPart> parts, int crossfadeColumns)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfNegative(crossfadeColumns);
        if (parts.Count == 0)
        {
            throw new SpectroFlowException("nothing to join: no spectrograms");
        }

        JoinPart first = parts[0];
        int shared = crossfadeColumns + 1;
        long total = 0;
        for (int i = 0; i < parts.Count; i++)
        {
            CheckFits(parts[i], first, i == 0 || i == parts.Count - 1 ? shared : 2 * shared, parts.Count > 1 ? crossfadeColumns : 0);
            total += parts[i].Mel.Frames - (i == 0 ? 0 : shared);
        }

        if (total > int.MaxValue / first.Mel.MelBins)
        {
            throw new SpectroFlowException($"the joined track of {total} columns is too long for one spectrogram");
        }

        int frames = (int)total;
        int mels = first.Mel.MelBins;
        var channels = new float[first.Mel.ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            float[] joined = new float[mels * frames];
            int offset = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                MelSpectrogram mel = parts[i].Mel;
                float gain = (float)parts[i].Gain;
                float[] source = mel.Channels[c];
                int mixed = i == 0 ? 0 : shared;
                for (int m = 0; m < mels; m++)
                {
                    int row = m * frames + offset;
                    int sourceRow = m * mel.Frames;
                    for (int t = 0; t < mixed; t++)
                    {
                        float w = (t + 1f) / (mixed + 1f);
                        float a = joined[row + t];
                        float b = source[sourceRow + t] * gain;
                        joined[row + t] = MathF.Sqrt((1f - w) * a * a + w * b * b);
                    }

                    for (int t = mixed; t < mel.Frames; t++)
                    {
                        joined[row + t] = source[sourceRow + t] * gain;
                    }
                }

                offset += mel.Frames - shared;
            }

            channels[c] = joined;
        }

        return new MelSpectrogram(first.Mel.Parameters, mels, frames, channels);
    }

    /// <summary>
    /// Inverts <paramref name="track"/> window by window (see the type remarks): hop * (frames - 1) samples per channel
    /// at full scale 1.0, not levelled.
    /// </summary>
    /// <exception cref="InvalidImageException">The track is too narrow to invert.</exception>
    public static AudioClip Invert(SpectrogramConverter converter, MelSpectrogram track, JoinedInversionOptions options, string? name = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(converter);
        ArgumentNullException.ThrowIfNull(track);
        ArgumentNullException.ThrowIfNull(options);
        int windowColumns = Math.Max(options.WindowColumns, 2 * options.OverlapColumns + 1);
        if (track.Frames <= windowColumns)
        {
            // One window: exactly the plain inversion (same seed, same bytes).
            var plain = new InversionOptions
            {
                Iterations = options.Iterations,
                Seed = options.Seed,
                Momentum = options.Momentum,
                MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
                PhaseInit = options.PhaseInit,
            };
            return converter.ToAudio(track, plain, name, cancellationToken);
        }

        StftGeometry geometry = converter.Geometry;
        MelFilterBank filterBank = converter.FilterBank;
        int hop = geometry.Hop;
        int bins = filterBank.UsedBinCount;
        int mels = filterBank.MelCount;
        using var pool = new FramePool(geometry.FftSize, mels * 2 + bins, options.MaxDegreeOfParallelism, cancellationToken);
        var griffinLim = new GriffinLim(geometry, bins, pool);
        var channels = new float[track.ChannelCount][];
        for (int c = 0; c < track.ChannelCount; c++)
        {
            float[] output = new float[checked(hop * (track.Frames - 1))];
            float[] window = new float[mels * windowColumns];
            float[]? previousSpectra = null;
            int previousStart = 0;
            int previousEnd = 0;
            for (int k = 0; previousEnd < track.Frames; k++)
            {
                int start = k == 0 ? 0 : Math.Min(previousStart + windowColumns - options.OverlapColumns, track.Frames - windowColumns);
                int end = Math.Min(track.Frames, start + windowColumns);
                int frames = end - start;
                int carriedFrames = k == 0 ? 0 : previousEnd - start;
                CopyColumns(track.Channels[c], track.Frames, start, frames, mels, window);
                float[] linear = converter.ToLinear(window, frames, pool);
                ReadOnlySpan<float> carried = previousSpectra is null
                    ? default
                    : previousSpectra.AsSpan((start - previousStart) * bins * 2, carriedFrames * bins * 2);
                bool pghi = options.PhaseInit == PhaseInit.Pghi;
                if (pghi)
                {
                    // The window's own PGHI phases, its first frames replaced by the spectra carried from the window before.
                    float[] windowStart = PhaseGradientStart.Compute(linear, frames, bins, geometry, pool);
                    carried.CopyTo(windowStart);
                    carried = windowStart;
                }

                ulong seed = options.Seed + (ulong)c * ChannelSeedStep + (ulong)k * WindowSeedStep;
                float[] spectra = new float[frames * bins * 2];
                float[] wave = griffinLim.Run(linear, frames, options.Iterations, options.Momentum, seed, carried, carriedFrames / 2, spectra, keepBest: pghi, inconsistency: default, cancellationToken);
                Place(wave, start * hop, carriedFrames == 0 ? 0 : (carriedFrames - 1) * hop, output);
                previousSpectra = spectra;
                previousStart = start;
                previousEnd = end;
            }

            for (int i = 0; i < output.Length; i++)
            {
                output[i] /= SpectrogramConverter.SampleScale;
            }

            channels[c] = output;
        }

        return new AudioClip(track.Parameters.SampleRate, channels, name);
    }

    /// <summary>Columns [start, start + frames) of a [mel][frame] matrix into a [mel][frames] one.</summary>
    private static void CopyColumns(float[] source, int sourceFrames, int start, int frames, int mels, float[] target)
    {
        for (int m = 0; m < mels; m++)
        {
            source.AsSpan(m * sourceFrames + start, frames).CopyTo(target.AsSpan(m * frames, frames));
        }
    }

    /// <summary>Writes <paramref name="wave"/> at <paramref name="at"/>, its first <paramref name="fade"/> samples crossfaded (raised cosine) with what is there.</summary>
    private static void Place(float[] wave, int at, int fade, float[] output)
    {
        for (int n = 0; n < fade; n++)
        {
            float w = 0.5f - 0.5f * MathF.Cos(MathF.PI * (n + 0.5f) / fade);
            output[at + n] = (1f - w) * output[at + n] + w * wave[n];
        }

        wave.AsSpan(fade).CopyTo(output.AsSpan(at + fade));
    }

    private static void CheckFits(JoinPart part, JoinPart first, int minimumColumns, int crossfadeColumns)
    {
        if (part.Mel.MelBins != first.Mel.MelBins)
        {
            throw new SpectroFlowException($"{part.Name}: is {part.Mel.MelBins} px high but {first.Name} is {first.Mel.MelBins}; every part of a join must have the same height");
        }

        if (part.Mel.Parameters.DifferenceFrom(first.Mel.Parameters) is { } difference)
        {
            throw new SpectroFlowException($"{part.Name}: its spectrogram parameters differ from {first.Name}'s ({difference}); every part of a join must have the same");
        }

        if (part.Mel.Frames < minimumColumns)
        {
            throw new SpectroFlowException(string.Create(
                CultureInfo.InvariantCulture,
                $"{part.Name}: {part.Mel.Frames} columns is too narrow to join with a crossfade of {crossfadeColumns} columns (needs at least {minimumColumns})"));
        }
    }
}
