using SpectroFlow.Core.Errors;

namespace SpectroFlow.Audio.Codecs;

/// <summary>Builds the one-line decode errors: "Cannot decode 'NAME': PROBLEM".</summary>
internal static class DecodeFailure
{
    public static InvalidAudioException Create(string name, string problem, Exception? cause = null) =>
        new($"Cannot decode '{name}': {problem}", cause);

    public static InvalidAudioException TooLarge(string name, long samples, int channels, int sampleRate, long maxSamples)
    {
        double hours = (double)samples / channels / sampleRate / 3600.0;
        return Create(
            name,
            $"it would decode to {samples:N0} samples ({hours:0.##} h at {sampleRate} Hz, {channels} ch), more than the limit of " +
            $"{maxSamples:N0} samples (AudioDecodeOptions.MaxSamples); cut it into shorter files");
    }

    public static InvalidAudioException NoAudio(string name) => Create(name, "it contains no audio samples");

    /// <summary>
    /// An exception thrown by a decoder library, a stream or an allocation while decoding, as a one-line error
    /// (an <see cref="InvalidAudioException"/> is returned as it is).
    /// </summary>
    public static InvalidAudioException FromException(string name, Exception exception) => exception switch
    {
        InvalidAudioException invalid => invalid,
        OutOfMemoryException => Create(name, "there is not enough memory to decode it; lower AudioDecodeOptions.MaxSamples or cut the file", exception),

        // NLayer, NVorbis and stream errors: the file is corrupt in a way the sniffing did not catch.
        _ => Create(name, $"the audio data is corrupt or unsupported ({exception.GetType().Name}: {exception.Message})", exception),
    };
}
