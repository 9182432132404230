using NVorbis;

namespace SpectroFlow.Audio.Codecs;

/// <summary>Decodes Ogg Vorbis with NVorbis (first logical stream only).</summary>
internal static class OggVorbisDecoder
{
    /// <summary>Opens <paramref name="stream"/> (from its start) for decoding; the stream is not disposed.</summary>
    public static AudioStreamReader Open(Stream stream, string name)
    {
        stream.Position = 0;
        var vorbis = new VorbisReader(stream, closeOnDispose: false);
        try
        {
            return new InterleavedAudioStreamReader(name, "Vorbis", vorbis, vorbis.ReadSamples, vorbis.Channels, maxChannels: 255, vorbis.SampleRate, vorbis.TotalSamples);
        }
        catch
        {
            vorbis.Dispose();
            throw;
        }
    }
}
