using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Imaging.Blocks;

/// <summary>Registers the imaging blocks.</summary>
public static class ImagingModule
{
    /// <summary>Adds encode-image, decode-image, image-to-mel, rgb, concat and write-image to <paramref name="catalog"/>.</summary>
    public static IBlockCatalog Register(IBlockCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
            .Add("encode-image", (EncodeImageOptions o, BlockServices s) => new EncodeImageBlock(), "Mel spectrogram to a spectrogram image.")
            .Add("decode-image", (DecodeImageOptions o, BlockServices s) => new DecodeImageBlock(o), "Reads a spectrogram PNG (EXIF parameters, else the preset's).")
            .Add("image-to-mel", (ImageToMelOptions o, BlockServices s) => new ImageToMelBlock(), "Spectrogram image back to mel amplitudes.")
            .Add("rgb", (RgbOptions o, BlockServices s) => new RgbBlock(o), "Converts any PNG to 8-bit RGB, keeping its EXIF (img2rgb).", ExecutionKind.Io)
            .AddGroup("concat", (ConcatOptions o, BlockServices s) => new ConcatBlock(o), "Puts a group of spectrogram images side by side (e.g. eight 512-px clips -> 512x4096 for img2img), EXIF of the first kept.")
            .Add("write-image", (WriteImageOptions o, BlockServices s) => new WriteImageBlock(o), "Writes spectrogram images as PNG under the output root.", ExecutionKind.Io);
    }
}
