using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Collects interleaved decoder output into planar channel arrays that grow as needed, refusing to exceed the
/// sample cap so that a huge or endless stream fails cleanly instead of exhausting memory.
/// </summary>
internal sealed class PlanarSampleBuffer
{
    private readonly string _name;
    private readonly int _sampleRate;
    private readonly long _maxSamples;
    private readonly float[][] _channels;
    private int _frames;

    public PlanarSampleBuffer(string name, int channelCount, int sampleRate, long maxSamples, long expectedFrames)
    {
        _name = name;
        _sampleRate = sampleRate;
        _maxSamples = maxSamples;
        long maxFrames = MaxFrames(channelCount);
        if (expectedFrames > maxFrames)
        {
            throw DecodeFailure.TooLarge(name, expectedFrames * channelCount, channelCount, sampleRate, maxSamples);
        }

        int initialFrames = (int)Math.Min(Math.Max(expectedFrames, 4096), maxFrames);
        _channels = new float[channelCount][];
        for (int c = 0; c < channelCount; c++)
        {
            _channels[c] = new float[initialFrames];
        }
    }

    public int ChannelCount => _channels.Length;

    public int Frames => _frames;

    /// <summary>Makes room for <paramref name="frames"/> more frames and returns the index of the first one.</summary>
    public int Reserve(int frames)
    {
        long needed = (long)_frames + frames;
        long maxFrames = MaxFrames(_channels.Length);
        if (needed > maxFrames)
        {
            throw DecodeFailure.TooLarge(_name, needed * _channels.Length, _channels.Length, _sampleRate, _maxSamples);
        }

        if (needed > _channels[0].Length)
        {
            int newLength = (int)Math.Min(Math.Max(needed, (long)_channels[0].Length * 2), maxFrames);
            for (int c = 0; c < _channels.Length; c++)
            {
                Array.Resize(ref _channels[c], newLength);
            }
        }

        int start = _frames;
        _frames = (int)needed;
        return start;
    }

    /// <summary>Channel <paramref name="channel"/>'s storage; valid until the next <see cref="Reserve"/>.</summary>
    public Span<float> Channel(int channel) => _channels[channel].AsSpan(0, _frames);

    /// <summary>Appends <paramref name="interleaved"/> (whole frames) after de-interleaving it.</summary>
    public void AppendInterleaved(ReadOnlySpan<float> interleaved)
    {
        int channelCount = _channels.Length;
        int frames = interleaved.Length / channelCount;
        int start = Reserve(frames);
        for (int c = 0; c < channelCount; c++)
        {
            Span<float> destination = _channels[c].AsSpan(start, frames);
            int source = c;
            for (int i = 0; i < destination.Length; i++, source += channelCount)
            {
                destination[i] = interleaved[source];
            }
        }
    }

    /// <summary>Trims the buffers to the decoded length and wraps them in a clip.</summary>
    public AudioClip ToClip()
    {
        if (_frames == 0)
        {
            throw DecodeFailure.NoAudio(_name);
        }

        for (int c = 0; c < _channels.Length; c++)
        {
            if (_channels[c].Length != _frames)
            {
                Array.Resize(ref _channels[c], _frames);
            }
        }

        return new AudioClip(_sampleRate, _channels, _name);
    }

    private long MaxFrames(int channelCount) => Math.Min(_maxSamples / channelCount, Array.MaxLength);
}
