using System.Buffers;
using SpectroFlow.Audio.Codecs;
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

    private const int HeadFrames = 4096;

    /// <summary>Slices <paramref name="clip"/>; clips share no buffers with the input.</summary>
    /// <param name="clip">The audio to cut.</param>
    /// <param name="clipMs">Clip duration in milliseconds.</param>
    /// <param name="lastClip">What to do with an incomplete last clip.</param>
    /// <param name="stem">The clip name prefix; <see langword="null"/> for the clip's name without extension.</param>
    /// <returns>The clips, made lazily.</returns>
    public static IEnumerable<AudioClip> Slice(AudioClip clip, int clipMs, LastClipPolicy lastClip = LastClipPolicy.Pad, string? stem = null)
    {
        ArgumentNullException.ThrowIfNull(clip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipMs);
        string baseName = stem ?? (clip.Name.Length > 0 ? Path.GetFileNameWithoutExtension(clip.Name) : "clip");
        return SliceIterator(clip, clipMs, lastClip, baseName);
    }

    /// <summary>
    /// Slices the audio of <paramref name="reader"/> as it is read, holding about one clip of samples at a time: the
    /// clips (boundaries, padding, names) are exactly those <see cref="Slice(AudioClip, int, LastClipPolicy, string?)"/>
    /// gives for the fully decoded audio. Each clip owns its arrays. The reader is not disposed.
    /// </summary>
    /// <param name="reader">The audio, read from its current position.</param>
    /// <param name="clipMs">Clip duration in milliseconds.</param>
    /// <param name="lastClip">What to do with an incomplete last clip.</param>
    /// <param name="stem">The clip name prefix; <see langword="null"/> for the reader's file name without extension.</param>
    /// <returns>The clips, read lazily.</returns>
    /// <exception cref="Core.Errors.InvalidAudioException">The reader holds no audio, or its data is corrupt (thrown while enumerating).</exception>
    public static IEnumerable<AudioClip> Slice(AudioStreamReader reader, int clipMs, LastClipPolicy lastClip = LastClipPolicy.Pad, string? stem = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipMs);
        string baseName = stem ?? (reader.Name.Length > 0 ? Path.GetFileNameWithoutExtension(reader.Name) : "clip");
        return StreamingSliceIterator(reader, clipMs, lastClip, baseName);
    }

    /// <summary>Number of clips <see cref="Slice(AudioClip, int, LastClipPolicy, string?)"/> yields.</summary>
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

    private static IEnumerable<AudioClip> StreamingSliceIterator(AudioStreamReader reader, int clipMs, LastClipPolicy lastClip, string stem)
    {
        int channelCount = reader.ChannelCount;
        int sampleRate = reader.SampleRate;

        // The first frames of each clip are read into a pooled buffer, so that the clip's own arrays are allocated only
        // when there is audio for it.
        float[][] head = new float[channelCount][];
        for (int c = 0; c < channelCount; c++)
        {
            head[c] = ArrayPool<float>.Shared.Rent(HeadFrames);
        }

        try
        {
            for (int index = 0; ; index++)
            {
                int length = checked((int)(Boundary(index + 1, clipMs, sampleRate) - Boundary(index, clipMs, sampleRate)));
                int headFrames = ReadFully(reader, head, 0, Math.Min(length, HeadFrames));
                if (headFrames == 0)
                {
                    if (index == 0)
                    {
                        throw DecodeFailure.NoAudio(reader.Name);
                    }

                    yield break;
                }

                var channels = new float[channelCount][];
                for (int c = 0; c < channelCount; c++)
                {
                    channels[c] = new float[length];
                    head[c].AsSpan(0, headFrames).CopyTo(channels[c]);
                }

                int frames = headFrames == HeadFrames && length > HeadFrames
                    ? HeadFrames + ReadFully(reader, channels, HeadFrames, length - HeadFrames)
                    : headFrames;
                if (frames < length && lastClip == LastClipPolicy.Drop)
                {
                    yield break;
                }

                // An incomplete last clip is already padded: the arrays start out as silence.
                yield return new AudioClip(sampleRate, channels, $"{stem}_{index:D5}");
                if (frames < length)
                {
                    yield break;
                }
            }
        }
        finally
        {
            foreach (float[] channel in head)
            {
                ArrayPool<float>.Shared.Return(channel);
            }
        }
    }

    /// <summary>Reads until <paramref name="frameCount"/> frames are in or the audio ends; returns the frames read.</summary>
    private static int ReadFully(AudioStreamReader reader, float[][] destination, int offset, int frameCount)
    {
        int total = 0;
        while (total < frameCount)
        {
            int read = reader.Read(destination, offset + total, frameCount - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static long Boundary(int index, int clipMs, int sampleRate) => (long)index * clipMs * sampleRate / 1000;
}
