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
            return new Reader(vorbis, name);
        }
        catch
        {
            vorbis.Dispose();
            throw;
        }
    }

    private sealed class Reader : InterleavedAudioStreamReader
    {
        private readonly VorbisReader _vorbis;

        public Reader(VorbisReader vorbis, string name)
            : base(name)
        {
            _vorbis = vorbis;
            int channels = vorbis.Channels;
            int sampleRate = vorbis.SampleRate;
            if (channels < 1 || sampleRate <= 0)
            {
                throw DecodeFailure.Create(name, $"the Vorbis stream reports {channels} channels at {sampleRate} Hz");
            }

            ChannelCount = channels;
            SampleRate = sampleRate;
            long total = vorbis.TotalSamples;
            TotalFrames = total > 0 ? total : null;
        }

        public override int SampleRate { get; }

        public override int ChannelCount { get; }

        public override long? TotalFrames { get; }

        protected override int ReadInterleaved(float[] buffer, int offset, int count) => _vorbis.ReadSamples(buffer, offset, count);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _vorbis.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
