using NVorbis;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>Decodes Ogg Vorbis with NVorbis (first logical stream only).</summary>
internal static class OggVorbisDecoder
{
    public static AudioClip Decode(Stream stream, string name, long maxSamples)
    {
        stream.Position = 0;
        using var reader = new VorbisReader(stream, closeOnDispose: false);
        int channels = reader.Channels;
        int sampleRate = reader.SampleRate;
        if (channels < 1 || sampleRate <= 0)
        {
            throw DecodeFailure.Create(name, $"the Vorbis stream reports {channels} channels at {sampleRate} Hz");
        }

        long expectedFrames = Math.Max(0, reader.TotalSamples);
        var samples = new PlanarSampleBuffer(name, channels, sampleRate, maxSamples, expectedFrames);
        float[] interleaved = new float[4096 * channels];
        while (true)
        {
            int read = reader.ReadSamples(interleaved, 0, interleaved.Length);
            if (read <= 0)
            {
                break;
            }

            samples.AppendInterleaved(interleaved.AsSpan(0, read - (read % channels)));
        }

        return samples.ToClip();
    }
}
