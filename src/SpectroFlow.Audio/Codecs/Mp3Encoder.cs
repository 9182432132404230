using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>Encodes constant-bitrate MP3 with libmp3lame.</summary>
internal static unsafe class Mp3Encoder
{
    private const int FramesPerBlock = 8192;
    private const int LameModeJointStereo = 1;
    private const int LameModeMono = 3;
    private const int LameVbrOff = 0;
    private const int LameQualityHigh = 2;

    /// <summary>
    /// Writes <paramref name="clip"/> (mono, or the first two channels of anything wider) as MP3. On a seekable stream
    /// the first frame is then overwritten with LAME's Info tag, which carries the encoder delay and padding.
    /// </summary>
    public static void Encode(LameLibrary lame, Stream stream, AudioClip clip, int bitrateKbps)
    {
        AudioClip source = clip.ChannelCount > 2 ? ChannelMixer.ToStereo(clip) : clip;
        int channels = source.ChannelCount;
        nint encoder = lame.Init();
        if (encoder == 0)
        {
            throw new SpectroFlowException($"Cannot encode '{clip.Name}' as MP3: lame_init failed (out of memory?)");
        }

        try
        {
            Check(lame.SetNumChannels(encoder, channels), "lame_set_num_channels", clip);
            Check(lame.SetInSampleRate(encoder, source.SampleRate), "lame_set_in_samplerate", clip);
            Check(lame.SetOutSampleRate(encoder, source.SampleRate), "lame_set_out_samplerate", clip);
            Check(lame.SetVbr(encoder, LameVbrOff), "lame_set_VBR", clip);
            Check(lame.SetBitrate(encoder, bitrateKbps), "lame_set_brate", clip);
            Check(lame.SetMode(encoder, channels == 1 ? LameModeMono : LameModeJointStereo), "lame_set_mode", clip);
            Check(lame.SetQuality(encoder, LameQualityHigh), "lame_set_quality", clip);
            Check(lame.SetWriteVbrTag(encoder, stream.CanSeek ? 1 : 0), "lame_set_bWriteVbrTag", clip);
            if (lame.InitParams(encoder) < 0)
            {
                throw new SpectroFlowException(
                    $"Cannot encode '{clip.Name}' as MP3: LAME rejected {bitrateKbps} kbit/s at {source.SampleRate} Hz, {channels} ch (lame_init_params failed)");
            }

            // The callers check the rate and bitrate; this guards against LAME silently choosing others anyway.
            int outRate = lame.GetOutSampleRate(encoder);
            int outBitrate = lame.GetBitrate(encoder);
            if (outRate != source.SampleRate || outBitrate != bitrateKbps)
            {
                throw new SpectroFlowException(
                    $"Cannot encode '{clip.Name}' as MP3: LAME would write {outBitrate} kbit/s at {outRate} Hz instead of {bitrateKbps} kbit/s at {source.SampleRate} Hz");
            }

            long startPosition = stream.CanSeek ? stream.Position : 0;
            byte[] output = new byte[(FramesPerBlock * 5 / 4) + 7200];
            float[] left = source.Channels[0];
            float[] right = source.Channels[channels - 1];
            fixed (byte* outputPointer = output)
            {
                for (int start = 0; start < source.Frames; start += FramesPerBlock)
                {
                    int frames = Math.Min(FramesPerBlock, source.Frames - start);
                    int written;
                    fixed (float* leftPointer = &left[start])
                    fixed (float* rightPointer = &right[start])
                    {
                        written = lame.EncodeBufferIeeeFloat(encoder, leftPointer, rightPointer, frames, outputPointer, output.Length);
                    }

                    Check(written, "lame_encode_buffer_ieee_float", clip);
                    stream.Write(output, 0, written);
                }

                int flushed = lame.EncodeFlush(encoder, outputPointer, output.Length);
                Check(flushed, "lame_encode_flush", clip);
                stream.Write(output, 0, flushed);

                if (stream.CanSeek)
                {
                    int tagLength = (int)lame.GetLameTagFrame(encoder, outputPointer, (nuint)output.Length);
                    if (tagLength > 0 && tagLength <= output.Length)
                    {
                        long end = stream.Position;
                        stream.Position = startPosition;
                        stream.Write(output, 0, tagLength);
                        stream.Position = end;
                    }
                }
            }
        }
        finally
        {
            _ = lame.Close(encoder);
        }
    }

    private static void Check(int result, string function, AudioClip clip)
    {
        if (result < 0)
        {
            throw new SpectroFlowException($"Cannot encode '{clip.Name}' as MP3: {function} failed with code {result}");
        }
    }
}
