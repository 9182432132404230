using System.Diagnostics.CodeAnalysis;

namespace SpectroFlow.Audio.Codecs;

/// <summary>The sample encoding of a written WAV file.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit signed PCM: each sample is scaled by 32768, rounded to the nearest integer (ties to even) and saturated to [-32768, 32767].</summary>
    Pcm16,

    /// <summary>24-bit signed PCM: each sample is scaled by 8388608, rounded to the nearest integer (ties to even) and saturated to [-8388608, 8388607].</summary>
    Pcm24,

    /// <summary>32-bit IEEE float, the samples exactly as they are (no clipping).</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Float32 is the sample format's usual name.")]
    Float32,
}
