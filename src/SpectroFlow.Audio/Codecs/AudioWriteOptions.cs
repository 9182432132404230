namespace SpectroFlow.Audio.Codecs;

/// <summary>Settings for <see cref="AudioEncoder.Write"/>; each applies only to its own output format.</summary>
public sealed record AudioWriteOptions
{
    /// <summary>The options used when none are given: 16-bit PCM WAV, 192 kbit/s MP3, ffmpeg from the PATH.</summary>
    public static AudioWriteOptions Default { get; } = new();

    /// <summary>The sample encoding of .wav files.</summary>
    public WavSampleFormat WavFormat { get; init; } = WavSampleFormat.Pcm16;

    /// <summary>
    /// The constant bitrate of .mp3 files in kbit/s; one of <see cref="AudioEncoder.Mp3Bitrates"/> (or, for 8 to 24 kHz
    /// audio, of <see cref="AudioEncoder.Mp3LowRateBitrates"/>).
    /// </summary>
    public int Mp3BitrateKbps { get; init; } = AudioEncoder.DefaultMp3BitrateKbps;

    /// <summary>The ffmpeg executable that encodes .flac and .ogg files; <see langword="null"/> searches the PATH.</summary>
    public string? FfmpegPath { get; init; }
}
