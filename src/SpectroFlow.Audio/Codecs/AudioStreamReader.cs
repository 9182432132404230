using SpectroFlow.Core.Errors;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decoded audio read piece by piece, so a file of any length can be processed in bounded memory. Created by
/// <see cref="AudioDecoder.Open(string, AudioDecodeOptions?)"/>; <see cref="AudioDecoder.Decode(string, AudioDecodeOptions?)"/>
/// reads one to the end.
/// </summary>
/// <remarks>
/// Every problem found while reading (corrupt or cut-off data, a failing ffmpeg) is reported as one
/// <see cref="InvalidAudioException"/> naming <see cref="Name"/>. Not thread-safe.
/// </remarks>
public abstract class AudioStreamReader : IDisposable
{
    private IDisposable? _ownedSource;
    private bool _disposed;

    /// <summary>Creates a reader whose messages name <paramref name="name"/>.</summary>
    /// <param name="name">The file path or name used in messages.</param>
    protected AudioStreamReader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    /// <summary>The file path or name used in messages (and as the default clip name).</summary>
    public string Name { get; }

    /// <summary>Samples per second per channel.</summary>
    public abstract int SampleRate { get; }

    /// <summary>Number of channels; every read fills this many planar buffers.</summary>
    public abstract int ChannelCount { get; }

    /// <summary>
    /// The number of frames the source declares (exact for WAV; from the container for MP3 and Ogg, where the decoder
    /// may deliver a few frames fewer), or <see langword="null"/> when it is not known before reading (ffmpeg, a WAV
    /// read from a pipe).
    /// </summary>
    public virtual long? TotalFrames => null;

    /// <summary>
    /// Reads up to <paramref name="frameCount"/> frames into <paramref name="destination"/>[c][<paramref name="offset"/>..]
    /// for each channel c. Like <see cref="Stream.Read(byte[], int, int)"/>, it may return fewer frames than asked while
    /// audio remains; 0 means the end of the audio.
    /// </summary>
    /// <param name="destination">One array per channel (at least <see cref="ChannelCount"/>), each long enough.</param>
    /// <param name="offset">Index of the first frame to write in each array.</param>
    /// <param name="frameCount">The most frames to read.</param>
    /// <returns>Frames read, 0 at the end.</returns>
    /// <exception cref="InvalidAudioException">The audio data is corrupt or its decoder failed.</exception>
    public int Read(float[][] destination, int offset, int frameCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(frameCount);
        if (destination.Length < ChannelCount)
        {
            throw new ArgumentException($"{ChannelCount} channel buffers are needed, {destination.Length} were given.", nameof(destination));
        }

        for (int c = 0; c < ChannelCount; c++)
        {
            if (destination[c] is null || destination[c].Length - offset < frameCount)
            {
                throw new ArgumentException($"Channel buffer {c} cannot hold {frameCount} frames at offset {offset}.", nameof(destination));
            }
        }

        if (frameCount == 0)
        {
            return 0;
        }

        try
        {
            return ReadCore(destination, offset, frameCount);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidAudioException)
        {
            throw DecodeFailure.FromException(Name, ex);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Makes this reader dispose <paramref name="source"/> (the stream it reads) when it is disposed.</summary>
    internal void TakeOwnership(IDisposable source) => _ownedSource = source;

    /// <summary>Reads 1 to <paramref name="frameCount"/> frames (0 at the end); arguments are already checked.</summary>
    /// <param name="destination">One array per channel.</param>
    /// <param name="offset">Index of the first frame to write.</param>
    /// <param name="frameCount">The most frames to read (at least 1).</param>
    /// <returns>Frames read, 0 at the end.</returns>
    protected abstract int ReadCore(float[][] destination, int offset, int frameCount);

    /// <summary>Releases the decoder and the stream or process it reads from.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            _ownedSource?.Dispose();
        }
    }
}
