using SpectroFlow.Audio.Codecs;
using SpectroFlow.Audio.Dsp;
using SpectroFlow.Core.Items;
using SpectroFlow.Core.Spectrograms;
using SpectroFlow.TestKit;
using Xunit.Abstractions;

namespace SpectroFlow.Audio.Tests.Dsp;

/// <summary>
/// The default inversion judged as BENCHMARKS.md's quality table judges it: real clips (the bundled samples and
/// Riffusion's test clip) -> 8-bit spectrogram levels -> audio, compared with the clip by metrics.py's spectral
/// convergence (0-10 kHz, gain-matched, at lag 0: the reconstruction is sample-aligned with its clip by construction).
/// </summary>
public sealed class PhaseReconstructionQualityTests(ITestOutputHelper output)
{
    private static readonly SpectrogramConverter s_converter = new(SpectrogramParams.Riffusion);

    public static TheoryData<string> Clips => new()
    {
        "samples/groove_a_minor_96bpm.wav",
        "samples/house_c_major_124bpm.mp3",
        "samples/lofi_d_dorian_80bpm.ogg",
        "riffusion",
    };

    [Theory]
    [MemberData(nameof(Clips))]
    public void Pghi_MoreIterationsNeverGiveAWorseResult_AndBeatTheRandomStartOfEverySeed(string clipName)
    {
        AudioClip clip = Clip(clipName);
        MelSpectrogram mel = EightBit(s_converter.ToMel(clip));

        int[] counts = [0, 4, 16, 32, 64];
        double[] pghi = [.. counts.Select(n => Convergence(clip, mel, new InversionOptions { Iterations = n }))];
        double[] random = [.. Enumerable.Range(0, 3).Select(seed => Convergence(clip, mel, new InversionOptions { Iterations = 32, Seed = (ulong)seed, PhaseInit = PhaseInit.Random }))];

        output.WriteLine($"{clipName}: PGHI SC at {string.Join(", ", counts.Zip(pghi, (n, sc) => $"{n}: {sc:0.0000}"))}; random at 32, seeds 0-2: {string.Join(", ", random.Select(sc => sc.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (int i = 1; i < counts.Length; i++)
        {
            // The inversion keeps its most consistent iterate in its own STFT (exactly monotone: PhaseGradientStartTests); this
            // metric's 2048-point STFT may disagree by a hair, hence 0.5 % of slack.
            pghi[i].Should().BeLessThanOrEqualTo(pghi[i - 1] * 1.005, $"{counts[i]} iterations must not be worse than {counts[i - 1]}");
        }

        pghi[3].Should().BeLessThan(random.Min(), "the default beats Riffusion's method whatever its seed");
    }

    /// <summary>
    /// The bundled samples' crest factors exceed 12 dB, so Riffusion's -12 dBFS RMS gain clips their peaks (SC up 10-60 %);
    /// Riffusion's clip has a lower crest factor and is not clipped.
    /// </summary>
    [Theory]
    [InlineData("samples/groove_a_minor_96bpm.wav", true)]
    [InlineData("samples/house_c_major_124bpm.mp3", true)]
    [InlineData("samples/lofi_d_dorian_80bpm.ogg", true)]
    [InlineData("riffusion", false)]
    public void DefaultLevelling_KeepsTheReconstructionsFidelity_WhereRiffusionsClips(string clipName, bool clippedByRiffusionsLevelling)
    {
        AudioClip clip = Clip(clipName);
        AudioClip raw = s_converter.ToAudio(EightBit(s_converter.ToMel(clip)), new InversionOptions());

        double rawSc = Convergence(clip, raw);
        double peakSc = Convergence(clip, OutputLevelling.Apply(raw, Levelling.Peak));
        double riffusionSc = Convergence(clip, OutputLevelling.Apply(raw, Levelling.Riffusion));

        output.WriteLine($"{clipName}: SC raw {rawSc:0.0000}, peak levelling {peakSc:0.0000}, Riffusion's levelling {riffusionSc:0.0000}");
        peakSc.Should().BeApproximately(rawSc, rawSc * 1e-3, "a gain does not change the gain-matched convergence");
        if (clippedByRiffusionsLevelling)
        {
            riffusionSc.Should().BeGreaterThan(peakSc * 1.05, "Riffusion's -12 dBFS RMS gain clips this clip's peaks");
        }
        else
        {
            riffusionSc.Should().BeApproximately(peakSc, peakSc * 2e-3, "without clipping the two levellings differ only by int16 rounding");
        }
    }

    private static double Convergence(AudioClip clip, AudioClip reconstruction) =>
        AudioQualityMetrics.Compare(clip, reconstruction, maxLagMs: 0).BandSpectralConvergenceGainMatched;

    private static double Convergence(AudioClip clip, MelSpectrogram mel, InversionOptions options) =>
        AudioQualityMetrics.Compare(clip, s_converter.ToAudio(mel, options), maxLagMs: 0).BandSpectralConvergenceGainMatched;

    /// <summary>A 5.11 s mono clip from the middle of the file (Riffusion's clip whole), at 16-bit resolution.</summary>
    private static AudioClip Clip(string name)
    {
        string path = name == "riffusion" ? Fixtures.RiffusionClipWav : Path.Combine(Fixtures.Root, "..", "..", "datasets", name);
        AudioClip song = s_converter.Conform(AudioDecoder.Decode(path));
        int length = name == "riffusion" ? song.Frames : Math.Min(song.Frames, 225351);
        int start = (song.Frames - length) / 2;
        float[] samples = song.Channels[0].AsSpan(start, length).ToArray();
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = MathF.Round(samples[i] * 32767f) / 32767f;
        }

        return new AudioClip(song.SampleRate, [samples], name);
    }

    /// <summary>What an image keeps: Riffusion's 8-bit levels of (mel / max)^0.25.</summary>
    private static MelSpectrogram EightBit(MelSpectrogram mel)
    {
        float[] values = mel.Channels[0];
        float max = values.Max();
        float[] quantized = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float level = MathF.Floor(255f * MathF.Pow(values[i] / max, 0.25f)) / 255f;
            quantized[i] = max * level * level * level * level;
        }

        return new MelSpectrogram(mel.Parameters, mel.MelBins, mel.Frames, [quantized]);
    }
}
