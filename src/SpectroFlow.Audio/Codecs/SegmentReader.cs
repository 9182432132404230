using System.Globalization;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// A segment of another reader (the <c>start</c> and <c>duration</c> of <c>decode</c>, <c>decode-slices</c> and
/// <c>audio-to-image</c>): the frames before the start are read and dropped,
/// reading ends after the duration. Streams like the reader it wraps, so a segment of a long file needs no more memory.
/// </summary>
public sealed class SegmentReader : AudioStreamReader
{
    private readonly AudioStreamReader _inner;
    private long _skip;
    private long? _left;

    /// <summary>Wraps <paramref name="inner"/> (disposed with this reader).</summary>
    /// <param name="inner">The reader to take the segment from.</param>
    /// <param name="startSeconds">Seconds to skip.</param>
    /// <param name="durationSeconds">Seconds to read, or null for the rest.</param>
    public SegmentReader(AudioStreamReader inner, double startSeconds, double? durationSeconds)
        : base(inner?.Name ?? string.Empty)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _skip = (long)Math.Round(startSeconds * inner.SampleRate);
        _left = durationSeconds is { } duration ? (long)Math.Round(duration * inner.SampleRate) : null;
        StartSeconds = startSeconds;
    }

    /// <inheritdoc/>
    public override int SampleRate => _inner.SampleRate;

    /// <inheritdoc/>
    public override int ChannelCount => _inner.ChannelCount;

    private double StartSeconds { get; }

    /// <summary>The whole segment as one clip.</summary>
    public AudioClip ReadAll()
    {
        var channels = new List<float>[ChannelCount];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = [];
        }

        float[][] buffer = [.. Enumerable.Range(0, ChannelCount).Select(_ => new float[65536])];
        int read;
        while ((read = Read(buffer, 0, 65536)) > 0)
        {
            for (int c = 0; c < channels.Length; c++)
            {
                channels[c].AddRange(buffer[c].AsSpan(0, read));
            }
        }

        return new AudioClip(SampleRate, [.. channels.Select(c => c.ToArray())], Name);
    }

    /// <inheritdoc/>
    protected override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        while (_skip > 0)
        {
            int skipped = _inner.Read(destination, offset, (int)Math.Min(_skip, frameCount));
            if (skipped == 0)
            {
                throw new InvalidAudioException(string.Create(CultureInfo.InvariantCulture, $"{Name}: start {StartSeconds:0.###} s is past the end of the audio"));
            }

            _skip -= skipped;
        }

        if (_left is <= 0)
        {
            return 0;
        }

        int read = _inner.Read(destination, offset, (int)Math.Min(_left ?? frameCount, frameCount));
        _left -= read;
        return read;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
