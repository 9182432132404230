using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Audio.Blocks;

/// <summary>Registers the audio blocks.</summary>
public static class AudioModule
{
    /// <summary>Adds decode, decode-slices, resample, slice, mel, invert, join, blend, crossfade, loop, gate, tempo and write-audio to <paramref name="catalog"/>.</summary>
    public static IBlockCatalog Register(IBlockCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .Add("decode", (DecodeOptions o, BlockServices s) => new DecodeBlock(o), "Decodes an audio file (wav, mp3, ogg) into a clip.")
            .Add("decode-slices", (DecodeSlicesOptions o, BlockServices s) => new DecodeSlicesBlock(o), "Decodes an audio file straight into fixed-length clips, streaming (bounded memory for files of any length).")
            .Add("resample", (ResampleOptions o, BlockServices s) => new ResampleBlock(o), "Changes a clip's sample rate and channel layout.")
            .Add("slice", (SliceOptions o, BlockServices s) => new SliceBlock(o), "Cuts a clip into fixed-length clips (5119 ms = 512 columns).")
            .Add("mel", (MelOptions o, BlockServices s) => new MelBlock(o), "Audio to a mel spectrogram (mixes and resamples to the parameters).")
            .Add("invert", (InvertOptions o, BlockServices s) => new InvertBlock(o), "Mel spectrogram back to audio (Griffin-Lim, seeded per item).")
            .AddGroup("join", (JoinOptions o, BlockServices s) => new JoinBlock(o), "Spectrograms of a group, in natural order, to one track inverted as one phase-continuous signal (no clicks at the seams).")
            .AddExpandingPair("blend", (BlendOptions o, BlockServices s) => new BlendBlock(o), "Blends two spectrograms band by band into N in-between frames (lows switch later than highs; energies mixed so loudness stays level).")
            .AddPair("crossfade", (CrossfadeOptions o, BlockServices s) => new CrossfadeBlock(o), "Crossfades two songs on the beat (b time-stretched to a's tempo within stretch_max, fades over whole beats, true-peak safe).")
            .Add("loop", (LoopOptions o, BlockServices s) => new LoopBlock(o), "Loops whole bars from the first downbeat, the seam crossfaded, N repeats.")
            .AddFilter("gate", (GateOptions o, BlockServices s) => new GateBlock(o), "Passes clips on with their level (rms_db), leaving out near-silent and clipped ones.")
            .Add("tempo", (TempoOptions o, BlockServices s) => new TempoBlock(o), "Finds a clip's tempo, beats and downbeats and writes them into metadata (bpm, tempo_confidence, beats, downbeats).")
            .Add("write-audio", (WriteAudioOptions o, BlockServices s) => new WriteAudioBlock(o), "Writes clips as wav, mp3, flac or ogg under the output root.", ExecutionKind.Io);
    }
}
