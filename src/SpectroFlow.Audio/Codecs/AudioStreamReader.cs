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
    private List<string>? _warnings;
    private Action<string>? _warningHandler;
    private long _framesRead;
    private bool _ended;
    private bool _shortfallReported;
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
    /// The number of frames the source declares (exact for WAV and for MP3 with a LAME/Info tag; from the last granule
    /// position for Ogg), or <see langword="null"/> when it is not known before reading (ffmpeg, a WAV read from a pipe,
    /// an MP3 without a Xing/Info frame). Damaged data can make fewer frames come out (see <see cref="Warnings"/>).
    /// </summary>
    public virtual long? TotalFrames => null;

    /// <summary>
    /// The length the container states, in frames, when it states one (an MP3's Xing/Info frame count, an Ogg stream's
    /// last granule position, a WAV data chunk's declared size, even when the file is cut short); otherwise
    /// <see cref="TotalFrames"/>. When less audio than this comes out, a warning says so at the end.
    /// </summary>
    public virtual long? StatedFrames => TotalFrames;

    /// <summary>Frames returned by <see cref="Read"/> so far.</summary>
    public long FramesRead => _framesRead;

    /// <summary>
    /// What the decoder noticed and worked around so far (skipped damaged data with the time range lost, a file cut
    /// short), one line each without the file name, in the order noticed. Decoding goes on after a warning.
    /// </summary>
    public IReadOnlyList<string> Warnings => (IReadOnlyList<string>?)_warnings ?? [];

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

        int read;
        try
        {
            read = ReadCore(destination, offset, frameCount);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not InvalidAudioException)
        {
            throw DecodeFailure.FromException(Name, ex);
        }

        _framesRead += read;
        if (read == 0 && !_ended)
        {
            _ended = true;
            WarnIfShort();
        }

        return read;
    }

    /// <summary>
    /// Sends every warning, those already noticed first, to <paramref name="handler"/> as well as to <see cref="Warnings"/>
    /// (<see cref="AudioDecodeOptions.Warning"/>).
    /// </summary>
    internal void SetWarningHandler(Action<string>? handler)
    {
        _warningHandler = handler;
        if (handler is not null && _warnings is not null)
        {
            foreach (string warning in _warnings)
            {
                handler(warning);
            }
        }
    }

    /// <summary>Records a warning (one line, without the file name) and passes it to the handler.</summary>
    /// <param name="problem">What was noticed and what it costs, e.g. the time range lost.</param>
    protected internal void Warn(string problem)
    {
        ArgumentException.ThrowIfNullOrEmpty(problem);
        (_warnings ??= []).Add(problem);
        _warningHandler?.Invoke(problem);
    }

    /// <summary>Records a warning that already says how much of <see cref="StatedFrames"/> is missing, so the end does not repeat it.</summary>
    /// <param name="problem">The warning.</param>
    protected internal void WarnShortfall(string problem)
    {
        _shortfallReported = true;
        Warn(problem);
    }

    /// <summary>Formats <paramref name="frames"/> as seconds at <see cref="SampleRate"/> (<c>12.34 s</c>).</summary>
    protected internal string Seconds(long frames) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{frames / (double)SampleRate:0.00} s");

    private void WarnIfShort()
    {
        // Codec padding differs between decoders by up to a frame or two; 50 ms is well above that and well below damage.
        if (!_shortfallReported && StatedFrames is long stated && stated - _framesRead > SampleRate / 20)
        {
            Warn($"only {Seconds(_framesRead)} of audio decoded but the file states {Seconds(stated)}: {Seconds(stated - _framesRead)} missing");
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
