using System.Buffers;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// An <see cref="AudioStreamReader"/> over a decoder that produces interleaved floats (NLayer, NVorbis): reads into a
/// pooled scratch buffer and de-interleaves into the caller's planar buffers. Samples of an incomplete frame are kept
/// for the next read, so the channels never drift apart.
/// </summary>
internal abstract class InterleavedAudioStreamReader : AudioStreamReader
{
    private const int ScratchFrames = 8192;

    private float[]? _scratch;
    private int _pendingStart;
    private int _pendingCount;
    private bool _ended;

    protected InterleavedAudioStreamReader(string name)
        : base(name)
    {
    }

    /// <summary>Decodes up to <paramref name="count"/> interleaved samples into <paramref name="buffer"/>; 0 at the end.</summary>
    protected abstract int ReadInterleaved(float[] buffer, int offset, int count);

    protected sealed override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        int channels = ChannelCount;
        _scratch ??= ArrayPool<float>.Shared.Rent(ScratchFrames * channels);
        while (_pendingCount < channels && !_ended)
        {
            // Move an incomplete frame to the front, then decode after it.
            _scratch.AsSpan(_pendingStart, _pendingCount).CopyTo(_scratch);
            _pendingStart = 0;
            int wanted = (Math.Min(frameCount, ScratchFrames) * channels) - _pendingCount;
            int read = ReadInterleaved(_scratch, _pendingCount, wanted);
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

        ReadOnlySpan<float> interleaved = _scratch.AsSpan(_pendingStart, frames * channels);
        for (int c = 0; c < channels; c++)
        {
            Span<float> target = destination[c].AsSpan(offset, frames);
            int source = c;
            for (int i = 0; i < target.Length; i++, source += channels)
            {
                target[i] = interleaved[source];
            }
        }

        _pendingStart += frames * channels;
        _pendingCount -= frames * channels;
        return frames;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _scratch is not null)
        {
            ArrayPool<float>.Shared.Return(_scratch);
            _scratch = null;
        }

        base.Dispose(disposing);
    }
}
