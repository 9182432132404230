using SpectroFlow.Audio.Codecs;
using SpectroFlow.Datasets;
using SpectroFlow.Imaging;

namespace SpectroFlow.Cli;

/// <summary>Gives the dataset blocks the audio probe and PNG encoders they may not reference themselves.</summary>
internal static class DatasetServicesFactory
{
    public static DatasetServices Create() => new(
        ProbeDurationSeconds,
        SpectrogramPng.Encode,
        ImageConversions.EncodeRgbPng);

    private static double ProbeDurationSeconds(string path, CancellationToken cancellationToken)
    {
        using AudioStreamReader reader = AudioDecoder.Open(path);
        float[][] buffer = new float[reader.ChannelCount][];
        for (int c = 0; c < buffer.Length; c++)
        {
            buffer[c] = new float[65536];
        }

        while (reader.Read(buffer, 0, 65536) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return (double)reader.FramesRead / reader.SampleRate;
    }
}
