using System.Globalization;
using NVorbis;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decodes Ogg Vorbis with NVorbis (first logical stream only). Pages come from <see cref="OggPacketProvider"/>, which
/// skips damaged data; the time lost is read from NVorbis's position, which jumps to the next granule position after a
/// resync, and reported as a warning on the reader.
/// </summary>
internal static class OggVorbisDecoder
{
    // Small decoder reads place a loss within about 25 ms (at 44.1 kHz) of where it happened.
    private const int FramesPerDecoderRead = 1024;

    /// <summary>Opens <paramref name="stream"/> (from its start) for decoding; the stream is not disposed.</summary>
    public static AudioStreamReader Open(Stream stream, string name)
    {
        stream.Position = 0;
        var provider = new OggPacketProvider(stream);
        var vorbis = new StreamDecoder(provider);
        try
        {
            var watcher = new GapWatcher(vorbis, provider);
            var reader = new InterleavedAudioStreamReader(name, "Vorbis", vorbis, watcher.Read, vorbis.Channels, maxChannels: 255, vorbis.SampleRate, provider.GetGranuleCount());
            watcher.Reader = reader;
            return reader;
        }
        catch
        {
            vorbis.Dispose();
            throw;
        }
    }

    /// <summary>Reads from NVorbis in small pieces and turns skipped damage plus position jumps into warnings.</summary>
    private sealed class GapWatcher(StreamDecoder vorbis, OggPacketProvider provider)
    {
        private (long From, long To)? _region;
        private long _regionAt;
        private long _output;

        public AudioStreamReader? Reader { get; set; }

        public int Read(float[] buffer, int offset, int count)
        {
            int channels = vorbis.Channels;
            count = Math.Min(count, FramesPerDecoderRead * channels);
            long before = vorbis.SamplePosition;
            int read = vorbis.Read(buffer, offset, count);
            int frames = read / channels;
            long jump = vorbis.SamplePosition - (before + frames);
            if (provider.TakeSkippedRegion() is { } region)
            {
                Report(0);
                _region = region;
                _regionAt = _output;
            }

            _output += frames;
            if (jump > 0 || (_region is not null && (read == 0 || _output - _regionAt > 2L * vorbis.SampleRate)))
            {
                Report(Math.Max(0, jump));
            }

            return read;
        }

        private void Report(long lost)
        {
            if (_region is not { } region || Reader is null)
            {
                return;
            }

            _region = null;
            if (provider.IsAtEnd(region))
            {
                // Nothing decodable follows: how much is lost cannot be known (the shortfall warning says it when the file states a length).
                Reader.Warn(string.Create(
                    CultureInfo.InvariantCulture,
                    $"the file ends with {region.To - region.From:N0} bytes that are not a complete Ogg page (offsets {region.From:N0} to {region.To:N0}), after {Reader.Seconds(_regionAt)} of audio: cut short or damaged"));
                return;
            }

            string what = OggPacketProvider.DescribeBytes(region);
            string cost = lost > 0
                ? $"{Reader.Seconds(lost)} of audio lost (from {Reader.Seconds(_regionAt)} to {Reader.Seconds(_regionAt + lost)} of the original)"
                : "no audio lost";
            Reader.Warn(string.Create(CultureInfo.InvariantCulture, $"damaged Ogg data skipped at {Reader.Seconds(_regionAt)}: {what}; {cost}"));
        }
    }
}
