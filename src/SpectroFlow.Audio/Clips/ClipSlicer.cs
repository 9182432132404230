using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Clips;

/// <summary>What to do with the last clip when the audio does not divide evenly.</summary>
public enum LastClipPolicy
{
    /// <summary>Pad the last clip with silence to the full clip length (chavinlo's file2img behaviour).</summary>
    Pad,

    /// <summary>Drop the incomplete last clip.</summary>
    Drop,
}

/// <summary>
/// Cuts long audio into clips of a fixed duration. Clip i starts at sample floor(i * ms * rate / 1000) and ends
/// where clip i + 1 starts, so every clip has the same number of STFT frames (5119 ms at 44.1 kHz = 225747 or
/// 225748 samples = 512 columns) and no sample is skipped or repeated. Names are "{stem}_{index:D5}".
/// </summary>
public static class ClipSlicer
{
    /// <summary>The default clip duration: 5119 ms = 512 image columns at 44.1 kHz with 10 ms steps.</summary>
    public const int DefaultClipMs = 5119;

    /// <summary>Slices <paramref name="clip"/>; clips share no buffers with the input.</summary>
    public static IEnumerable<AudioClip> Slice(AudioClip clip, int clipMs, LastClipPolicy lastClip = LastClipPolicy.Pad, string? stem = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipMs);
        string baseName = stem ?? (clip.Name.Length > 0 ? Path.GetFileNameWithoutExtension(clip.Name) : "clip");
        return SliceIterator(clip, clipMs, lastClip, baseName);
    }

    /// <summary>Number of clips <see cref="Slice"/> yields.</summary>
    public static int Count(long frames, int sampleRate, int clipMs, LastClipPolicy lastClip)
    {
        int count = 0;
        while (true)
        {
            long start = Boundary(count, clipMs, sampleRate);
            long end = Boundary(count + 1, clipMs, sampleRate);
            if (start >= frames || (end > frames && lastClip == LastClipPolicy.Drop))
            {
                return count;
            }

            count++;
        }
    }

    private static IEnumerable<AudioClip> SliceIterator(AudioClip clip, int clipMs, LastClipPolicy lastClip, string stem)
    {
        int total = Count(clip.Frames, clip.SampleRate, clipMs, lastClip);
        for (int index = 0; index < total; index++)
        {
            long start = Boundary(index, clipMs, clip.SampleRate);
            long end = Boundary(index + 1, clipMs, clip.SampleRate);
            int length = checked((int)(end - start));
            int available = (int)Math.Min(length, clip.Frames - start);
            var channels = new float[clip.ChannelCount][];
            for (int c = 0; c < clip.ChannelCount; c++)
            {
                var samples = new float[length];
                clip.Channels[c].AsSpan((int)start, available).CopyTo(samples);
                channels[c] = samples;
            }

            yield return new AudioClip(clip.SampleRate, channels, $"{stem}_{index:D5}");
        }
    }

    private static long Boundary(int index, int clipMs, int sampleRate) => (long)index * clipMs * sampleRate / 1000;
}
