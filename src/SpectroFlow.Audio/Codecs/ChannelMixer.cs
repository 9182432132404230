using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Channel-count conversions that follow Riffusion (which uses pydub): stereo to mono is 0.5 L + 0.5 R, mono to
/// stereo duplicates the channel. Clips are never modified; a clip that already has the wanted layout is returned as is.
/// </summary>
public static class ChannelMixer
{
    /// <summary>
    /// Mixes down to one channel: the mean of all channels (0.5 L + 0.5 R for stereo, as pydub's
    /// <c>set_channels(1)</c>). A mono clip is returned unchanged.
    /// </summary>
    /// <param name="clip">The clip to mix down.</param>
    /// <returns>A mono clip with the same rate, length and name.</returns>
    public static AudioClip ToMono(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.ChannelCount == 1)
        {
            return clip;
        }

        float[] mono = new float[clip.Frames];
        float[][] channels = clip.Channels;
        if (channels.Length == 2)
        {
            ReadOnlySpan<float> left = channels[0];
            ReadOnlySpan<float> right = channels[1];
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] = (0.5f * left[i]) + (0.5f * right[i]);
            }
        }
        else
        {
            foreach (float[] channel in channels)
            {
                ReadOnlySpan<float> source = channel;
                for (int i = 0; i < mono.Length; i++)
                {
                    mono[i] += source[i];
                }
            }

            float scale = 1f / channels.Length;
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] *= scale;
            }
        }

        return new AudioClip(clip.SampleRate, [mono], clip.Name);
    }

    /// <summary>
    /// Makes a two-channel clip. Mono is duplicated into left and right (copies, so the channels can be changed
    /// independently); stereo is returned unchanged; for more than two channels the first two (front left and front
    /// right in WAV channel order) are kept and the rest dropped, which keeps the main stereo image of a surround mix
    /// without smearing centre and surround channels into it.
    /// </summary>
    /// <param name="clip">The clip to convert.</param>
    /// <returns>A stereo clip with the same rate, length and name.</returns>
    public static AudioClip ToStereo(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        return clip.ChannelCount switch
        {
            1 => new AudioClip(clip.SampleRate, [(float[])clip.Channels[0].Clone(), (float[])clip.Channels[0].Clone()], clip.Name),
            2 => clip,
            _ => new AudioClip(clip.SampleRate, [(float[])clip.Channels[0].Clone(), (float[])clip.Channels[1].Clone()], clip.Name),
        };
    }

    /// <summary>Converts to stereo (<see cref="ToStereo"/>) when <paramref name="stereo"/> is true, else to mono (<see cref="ToMono"/>).</summary>
    /// <param name="clip">The clip to convert.</param>
    /// <param name="stereo">True for two channels, false for one.</param>
    /// <returns>The converted clip (or <paramref name="clip"/> itself when it already fits).</returns>
    public static AudioClip ToChannels(AudioClip clip, bool stereo) => stereo ? ToStereo(clip) : ToMono(clip);
}
