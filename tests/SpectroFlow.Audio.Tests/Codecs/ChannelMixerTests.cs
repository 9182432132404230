using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Tests.Codecs;

public sealed class ChannelMixerTests
{
    [Fact]
    public void ToMono_Stereo_IsHalfLeftPlusHalfRight()
    {
        var clip = new AudioClip(44100, [[1f, 0.5f, -1f], [0f, 0.25f, 1f]], "s");

        AudioClip mono = ChannelMixer.ToMono(clip);

        mono.ChannelCount.Should().Be(1);
        mono.Channels[0].Should().Equal(0.5f, 0.375f, 0f);
        mono.SampleRate.Should().Be(44100);
        mono.Name.Should().Be("s");
    }

    [Fact]
    public void ToMono_FourChannels_IsTheMean()
    {
        var clip = new AudioClip(8000, [[1f], [0.5f], [0f], [-0.5f]]);

        ChannelMixer.ToMono(clip).Channels[0].Should().Equal(0.25f);
    }

    [Fact]
    public void ToMono_Mono_ReturnsTheSameInstance()
    {
        var clip = new AudioClip(8000, [[1f]]);

        ChannelMixer.ToMono(clip).Should().BeSameAs(clip);
    }

    [Fact]
    public void ToStereo_Mono_DuplicatesIntoIndependentCopies()
    {
        float[] samples = [0.1f, -0.2f];
        var clip = new AudioClip(8000, [samples]);

        AudioClip stereo = ChannelMixer.ToStereo(clip);

        stereo.Channels[0].Should().Equal(0.1f, -0.2f);
        stereo.Channels[1].Should().Equal(0.1f, -0.2f);
        stereo.Channels[0].Should().NotBeSameAs(stereo.Channels[1]);
        stereo.Channels[0].Should().NotBeSameAs(samples);
    }

    [Fact]
    public void ToStereo_Stereo_ReturnsTheSameInstance()
    {
        var clip = new AudioClip(8000, [[1f], [2f]]);

        ChannelMixer.ToStereo(clip).Should().BeSameAs(clip);
    }

    [Fact]
    public void ToStereo_SixChannels_KeepsTheFirstTwo()
    {
        var clip = new AudioClip(48000, [[1f], [2f], [3f], [4f], [5f], [6f]]);

        AudioClip stereo = ChannelMixer.ToStereo(clip);

        stereo.ChannelCount.Should().Be(2);
        stereo.Channels[0].Should().Equal(1f);
        stereo.Channels[1].Should().Equal(2f);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void ToChannels_PicksTheLayout(bool stereo, int expectedChannels)
    {
        var clip = new AudioClip(8000, [[0.5f], [-0.5f], [1f]]);

        ChannelMixer.ToChannels(clip, stereo).ChannelCount.Should().Be(expectedChannels);
    }
}
