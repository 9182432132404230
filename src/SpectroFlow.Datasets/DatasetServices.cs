using SpectroFlow.Core.Items;

namespace SpectroFlow.Datasets;

/// <summary>
/// What the dataset blocks need from their sibling projects, given by the composition root (the CLI): Datasets never
/// references Audio or Imaging.
/// </summary>
/// <param name="ProbeDurationSeconds">Decodes an audio file to its end and returns its duration in seconds (throws when it does not decode).</param>
/// <param name="EncodeSpectrogramPng">A spectrogram image as a Riffusion PNG with its EXIF parameters.</param>
/// <param name="EncodeRgbPng">An 8-bit RGB image (width, height, width × height × 3 bytes) as a PNG (charts).</param>
public sealed record DatasetServices(
    Func<string, CancellationToken, double> ProbeDurationSeconds,
    Func<SpectrogramImage, byte[]> EncodeSpectrogramPng,
    Func<int, int, byte[], byte[]> EncodeRgbPng);
