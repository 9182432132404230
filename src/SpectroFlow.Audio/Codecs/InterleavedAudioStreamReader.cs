using System.Buffers;

namespace SpectroFlow.Audio.Codecs;

/// <summary>Decodes up to <paramref name="count"/> interleaved samples into <paramref name="buffer"/>; 0 at the end.</summary>
internal delegate int InterleavedRead(float[] buffer, int offset, int count);

/// <summary>
/// An <see cref="AudioStreamReader"/> over a decoder that produces interleaved floats (NVorbis): reads into a
/// pooled scratch buffer and de-interleaves into the caller's planar buffers. Samples of an incomplete frame are kept
/// for the next read, so the channels never drift apart. Owns (disposes) the decoder.
/// </summary>
internal sealed class InterleavedAudioStreamReader : AudioStreamReader
{
    private const int ScratchFrames = 8192;

    private readonly IDisposable _decoder;
    private readonly InterleavedRead _readInterleaved;
    private float[]? _scratch;
    private int _pendingStart;
    private int _pendingCount;
    private bool _ended;

    /// <summary>Wraps <paramref name="decoder"/>; a channel count or rate it cannot have is a one-line error naming the file.</summary>
    /// <param name="name">The file, for messages.</param>
    /// <param name="format">The format, for messages (<c>MP3</c>, <c>Vorbis</c>).</param>
    /// <param name="decoder">The decoder, disposed with this reader (by the caller when this constructor throws).</param>
    /// <param name="readInterleaved">The decoder's read method.</param>
    /// <param name="channels">Channels the stream reports.</param>
    /// <param name="maxChannels">The most channels the format can have.</param>
    /// <param name="sampleRate">Sample rate the stream reports.</param>
    /// <param name="totalFrames">Frames per channel when known.</param>
    public InterleavedAudioStreamReader(string name, string format, IDisposable decoder, InterleavedRead readInterleaved, int channels, int maxChannels, int sampleRate, long? totalFrames)
        : base(name)
    {
        _decoder = decoder;
        _readInterleaved = readInterleaved;
        if (channels < 1 || channels > maxChannels || sampleRate <= 0)
        {
            throw DecodeFailure.Create(name, $"the {format} stream reports {channels} channels at {sampleRate} Hz");
        }

        ChannelCount = channels;
        SampleRate = sampleRate;
        TotalFrames = totalFrames is > 0 ? totalFrames : null;
    }

    public override int SampleRate { get; }

    public override int ChannelCount { get; }

    public override long? TotalFrames { get; }

    protected override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        int channels = ChannelCount;
        _scratch ??= ArrayPool<float>.Shared.Rent(ScratchFrames * channels);
        while (_pendingCount < channels && !_ended)
        {
            // Move an incomplete frame to the front, then decode after it.
            _scratch.AsSpan(_pendingStart, _pendingCount).CopyTo(_scratch);
            _pendingStart = 0;
            int wanted = (Math.Min(frameCount, ScratchFrames) * channels) - _pendingCount;
            int read = _readInterleaved(_scratch, _pendingCount, wanted);
            if (read <= 0)
            {
                _ended = true;
            }
            else
            {
                _pendingCount += read;
            }
        }

        int frames = Math.Min(frameCount, _pendingCount / channels);
        if (frames == 0)
        {
            return 0; // The end (a dangling partial frame is dropped).
        }

        Deinterleave(_scratch.AsSpan(_pendingStart, frames * channels), destination, offset, frames, channels);

        _pendingStart += frames * channels;
        _pendingCount -= frames * channels;
        return frames;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoder.Dispose();
            if (_scratch is not null)
            {
                ArrayPool<float>.Shared.Return(_scratch);
                _scratch = null;
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Copies <paramref name="frames"/> interleaved frames into the planar <paramref name="destination"/> at <paramref name="offset"/>.</summary>
    internal static void Deinterleave(ReadOnlySpan<float> interleaved, float[][] destination, int offset, int frames, int channels)
    {
        for (int c = 0; c < channels; c++)
        {
            Span<float> target = destination[c].AsSpan(offset, frames);
            int source = c;
            for (int i = 0; i < target.Length; i++, source += channels)
            {
                target[i] = interleaved[source];
            }
        }
    }
}
