using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests.Dsp;

/// <summary>Riffusion's test clip, decoded once per test run.</summary>
internal static class RiffusionClip
{
    private static readonly Lazy<AudioClip> s_stereo = new(() => AudioDecoder.Decode(Fixtures.RiffusionClipWav));

    public static AudioClip Stereo => s_stereo.Value;

    public static AudioClip Left => new(Stereo.SampleRate, [Stereo.Channels[0]], "clip_2 left");

    public static AudioClip Right => new(Stereo.SampleRate, [Stereo.Channels[1]], "clip_2 right");
}
