using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Cli.Commands;

/// <summary>
/// A segment of another reader (<c>--start</c>, <c>--duration</c>): the frames before the start are read and dropped,
/// reading ends after the duration. Streams like the reader it wraps, so a segment of a long file needs no more memory.
/// </summary>
internal sealed class SegmentReader : AudioStreamReader
{
    private readonly AudioStreamReader _inner;
    private long _skip;
    private long? _left;

    public SegmentReader(AudioStreamReader inner, double startSeconds, double? durationSeconds)
        : base(inner.Name)
    {
        _inner = inner;
        _skip = (long)Math.Round(startSeconds * inner.SampleRate);
        _left = durationSeconds is { } duration ? (long)Math.Round(duration * inner.SampleRate) : null;
        StartSeconds = startSeconds;
    }

    public override int SampleRate => _inner.SampleRate;

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

    protected override int ReadCore(float[][] destination, int offset, int frameCount)
    {
        while (_skip > 0)
        {
            int skipped = _inner.Read(destination, offset, (int)Math.Min(_skip, frameCount));
            if (skipped == 0)
            {
                throw new InvalidAudioException($"{Name}: --start {StartSeconds:0.###} s is past the end of the audio");
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
