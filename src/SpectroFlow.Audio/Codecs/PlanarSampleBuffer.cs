using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Planar channel arrays that grow as a reader fills them (<see cref="AudioDecoder"/> reading a whole file); limits
/// are the caller's business.
/// </summary>
internal sealed class PlanarSampleBuffer
{
    private readonly float[][] _channels;
    private int _frames;

    public PlanarSampleBuffer(int channelCount, int initialFrames)
    {
        _channels = new float[channelCount][];
        for (int c = 0; c < channelCount; c++)
        {
            _channels[c] = new float[initialFrames];
        }
    }

    public int Frames => _frames;

    /// <summary>Frames the arrays hold before they must grow.</summary>
    public int Capacity => _channels[0].Length;

    /// <summary>The storage, to be written from index <see cref="Frames"/>; valid until the next <see cref="EnsureRoom"/>.</summary>
    public float[][] Channels => _channels;

    /// <summary>
    /// Grows the arrays so that <paramref name="frames"/> more fit: at least doubling, but never past
    /// <paramref name="maxFrames"/> (which must leave room for them).
    /// </summary>
    public void EnsureRoom(int frames, long maxFrames)
    {
        long needed = (long)_frames + frames;
        if (needed <= Capacity)
        {
            return;
        }

        int newLength = (int)Math.Min(Math.Max(needed, (long)Capacity * 2), maxFrames);
        for (int c = 0; c < _channels.Length; c++)
        {
            Array.Resize(ref _channels[c], newLength);
        }
    }

    /// <summary>Counts <paramref name="frames"/> more frames as written.</summary>
    public void Advance(int frames) => _frames += frames;

    /// <summary>Trims the arrays to the frames written and wraps them in a clip.</summary>
    public AudioClip ToClip(int sampleRate, string name)
    {
        for (int c = 0; c < _channels.Length; c++)
        {
            if (_channels[c].Length != _frames)
            {
                Array.Resize(ref _channels[c], _frames);
            }
        }

        return new AudioClip(sampleRate, _channels, name);
    }
}
