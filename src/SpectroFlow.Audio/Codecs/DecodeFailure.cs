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
}
