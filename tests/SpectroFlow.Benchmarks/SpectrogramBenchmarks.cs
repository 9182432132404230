using BenchmarkDotNet.Attributes;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.Imaging;
using SpectroFlow.TestKit;

namespace SpectroFlow.Benchmarks;

/// <summary>
/// Riffusion's clip_2 (5.678 s, 568 frames) through each direction of the conversion, next to its floor: the FFTs
/// alone (audio -> image: frames forward 17640-point real FFTs; Griffin-Lim: 2 x iterations x frames of them).
/// Run: dotnet run -c Release --project tests/SpectroFlow.Benchmarks -- --filter '*Spectrogram*'
/// </summary>
[MemoryDiagnoser]
public class SpectrogramBenchmarks
{
    private SpectrogramConverter _converter = null!;
    private SpectrogramConverter _serialConverter = null!;
    private AudioClip _clip = null!;
    private MelSpectrogram _mel = null!;
    private SpectrogramImage _image = null!;
    private RealFft _fft = null!;
    private float[] _linear = null!;
    private int _usedBins;
    private StftGeometry _geometry = null!;

    [GlobalSetup]
    public void Setup()
    {
        AudioClip stereo = AudioDecoder.Decode(Fixtures.RiffusionClipWav);
        _clip = ChannelMixer.ToMono(stereo);
        _converter = new SpectrogramConverter(SpectrogramParams.Riffusion);
        _serialConverter = new SpectrogramConverter(SpectrogramParams.Riffusion) { MaxDegreeOfParallelism = 1 };
        _mel = _converter.ToMel(_clip);
        _image = SpectrogramImageMapper.ToImage(_mel);
        _fft = RealFft.Create(SpectrogramParams.Riffusion.FftSize);
        _geometry = _converter.Geometry;
        _usedBins = _converter.FilterBank.UsedBinCount;
        using var pool = new FramePool(_geometry.FftSize, _converter.FilterBank.MelCount * 2 + _usedBins, maxDegreeOfParallelism: 1, CancellationToken.None);
        _linear = _converter.ToLinear(_mel.Channels[0], _mel.Frames, pool);
    }

    [GlobalCleanup]
    public void Cleanup() => _fft.Dispose();

    [Benchmark(Description = "FFT floor, audio->image: 568 forward FFTs (1 thread)")]
    public void FftFloorForward()
    {
        for (int t = 0; t < _mel.Frames; t++)
        {
            _fft.Forward();
        }
    }

    [Benchmark(Description = "audio->mel, 1 thread")]
    public MelSpectrogram AudioToMelSerial() => _serialConverter.ToMel(_clip);

    [Benchmark(Description = "audio->mel, all cores")]
    public MelSpectrogram AudioToMel() => _converter.ToMel(_clip);

    [Benchmark(Description = "mel->pixels (Riffusion mapping)")]
    public SpectrogramImage MelToPixels() => SpectrogramImageMapper.ToImage(_mel);

    [Benchmark(Description = "PNG encode with EXIF")]
    public byte[] EncodePng() => SpectrogramPng.Encode(_image);

    [Benchmark(Description = "FFT floor, Griffin-Lim: 2 x 32 x 568 FFTs (1 thread)")]
    public void FftFloorGriffinLim()
    {
        for (int i = 0; i < 32 * _mel.Frames; i++)
        {
            _fft.Forward();
            _fft.Inverse();
        }
    }

    [Benchmark(Description = "mel->audio, random start + 32 GL iterations (before PGHI), 1 thread")]
    public AudioClip MelToAudioRandomSerial() => _serialConverter.ToAudio(_mel, new InversionOptions { PhaseInit = PhaseInit.Random, MaxDegreeOfParallelism = 1 });

    [Benchmark(Description = "mel->audio, random start + 32 GL iterations (before PGHI), all cores")]
    public AudioClip MelToAudioRandom() => _converter.ToAudio(_mel, new InversionOptions { PhaseInit = PhaseInit.Random });

    [Benchmark(Description = "mel->audio, default (PGHI + 32 GL iterations), 1 thread")]
    public AudioClip MelToAudioSerial() => _serialConverter.ToAudio(_mel, new InversionOptions { MaxDegreeOfParallelism = 1 });

    [Benchmark(Description = "mel->audio, default (PGHI + 32 GL iterations), all cores")]
    public AudioClip MelToAudio() => _converter.ToAudio(_mel);

    [Benchmark(Description = "PGHI start alone (568 frames)")]
    public float[] PghiStart() => PhaseGradientStart.Compute(_linear, _mel.Frames, _usedBins, _geometry);
}
