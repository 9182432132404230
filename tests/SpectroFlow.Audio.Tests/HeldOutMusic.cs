using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests;

/// <summary>
/// About 40 s of real music (the three bundled samples of datasets/samples, joined), as 16-bit WAV and encoded by
/// ffmpeg as MP3 (libmp3lame, 192 kbit/s) and Ogg Vorbis (libvorbis -q:a 4). Made once for the test classes of the
/// <see cref="HeldOutMusicGroup"/>.
/// </summary>
public sealed class HeldOutMusic : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public HeldOutMusic()
    {
        string samples = Path.Combine(TestFiles.RepositoryRoot, "datasets", "samples");
        string[] parts = ["groove_a_minor_96bpm.wav", "house_c_major_124bpm.mp3", "lofi_d_dorian_80bpm.ogg", "groove_a_minor_96bpm.wav"];
        string inputs = string.Join(' ', parts.Select(part => "-i " + Path.Combine(samples, part)));
        Wav = Ffmpeg.Make(_directory, "music.wav", $"{inputs} -filter_complex [0:a][1:a][2:a][3:a]concat=n=4:v=0:a=1 -ar 44100 -ac 2 -c:a pcm_s16le");
        Mp3 = Ffmpeg.Make(_directory, "music.mp3", $"-i {Wav} -c:a libmp3lame -b:a 192k");
        Ogg = Ffmpeg.Make(_directory, "music.ogg", $"-i {Wav} -c:a libvorbis -q:a 4");
    }

    /// <summary>The music, 16-bit stereo 44.1 kHz WAV.</summary>
    public string Wav { get; }

    /// <summary>The music as MP3 with a LAME/Info tag (gapless information).</summary>
    public string Mp3 { get; }

    /// <summary>The music as Ogg Vorbis.</summary>
    public string Ogg { get; }

    /// <summary>A new file in the fixture's folder.</summary>
    public string File(string name) => _directory.File(name);

    /// <inheritdoc/>
    public void Dispose() => _directory.Dispose();
}

/// <summary>The test classes that share one <see cref="HeldOutMusic"/> (making it takes a few seconds of ffmpeg).</summary>
[CollectionDefinition(Name)]
public sealed class HeldOutMusicGroup : ICollectionFixture<HeldOutMusic>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "held-out music";
}
