using SpectroFlow.Audio.Codecs;
using SpectroFlow.Datasets;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli;

/// <summary>Gives the dataset blocks the audio probe and PNG encoders they may not reference themselves.</summary>
internal static class DatasetServicesFactory
{
    public static DatasetServices Create() => new(
        AudioDecoder.DecodedSeconds,
        SpectrogramPng.Encode,
        ImageConversions.EncodeRgbPng);
}
