using SpectroFlow.Core.Blocks;
namespace SpectroFlow.Core.Items;

/// <summary>
/// Decoded audio: planar float samples at full scale 1.0 (a 16-bit sample s is stored as s / 32768).
/// Every channel holds <see cref="Frames"/> samples. The arrays are owned by the clip; treat them as read-only
/// once the clip has been handed to another component.
/// </summary>
public sealed class AudioClip : IHasFormat
{
    /// <summary>Creates a clip from planar channel buffers of equal length.</summary>
    /// <exception cref="ArgumentException">No channels, or channels of different lengths.</exception>
    public AudioClip(int sampleRate, float[][] channels, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        ArgumentNullException.ThrowIfNull(channels);
        if (channels.Length == 0)
        {
            throw new ArgumentException("An audio clip needs at least one channel.", nameof(channels));
        }

        int frames = channels[0].Length;
        foreach (float[] channel in channels)
        {
            if (channel.Length != frames)
            {
                throw new ArgumentException("All channels of an audio clip must have the same length.", nameof(channels));
            }
        }

        SampleRate = sampleRate;
        Channels = channels;
        Name = name ?? string.Empty;
    }

    /// <summary>Samples per second per channel.</summary>
    public int SampleRate { get; }

    /// <summary>Planar samples, one array per channel (0 = left, 1 = right).</summary>
    public float[][] Channels { get; }

    /// <summary>Number of channels.</summary>
    public int ChannelCount => Channels.Length;

    /// <summary>Samples per channel.</summary>
    public int Frames => Channels[0].Length;

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => (double)Frames / SampleRate;

    /// <summary>A label for messages: the source file or clip name, possibly empty.</summary>
    public string Name { get; }

    /// <summary>Returns a clip with the same samples and a different name.</summary>
    public AudioClip WithName(string name) => new(SampleRate, Channels, name);

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Name.Length > 0 ? Name : "audio")} ({ChannelCount} ch, {SampleRate} Hz, {DurationSeconds:0.###} s)";

    /// <inheritdoc/>
    public PayloadFormat Format => new(SampleRate, Channels.Length);
}
