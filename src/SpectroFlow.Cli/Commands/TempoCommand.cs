using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SpectroFlow.Audio.Analysis;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Cli.Commands;

/// <summary><c>tempo FILE [--json]</c>: the tempo, beats and downbeats of an audio file.</summary>
internal static class TempoCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Argument<string>("input") { Description = "Audio file (wav, mp3, ogg, flac)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: bpm (or null), confidence, beats, downbeats" };
        var command = new Command("tempo", "Find the tempo (BPM), beats and downbeats of an audio file") { input, json };
        command.SetAction((result, cancellationToken) => context.RunAsync(() =>
        {
            string path = result.GetRequiredValue(input);
            AudioClip clip = AudioDecoder.Decode(path);
            TempoEstimate estimate = new BeatTracker().Analyze(clip, cancellationToken);
            if (result.GetValue(json))
            {
                context.Out.WriteLine(ToJson(estimate));
            }
            else if (estimate.Bpm is double bpm)
            {
                context.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{bpm:0.0} bpm (confidence {estimate.Confidence:0.00}), {estimate.Beats.Count} beats"));
            }
            else
            {
                context.Out.WriteLine($"{path}: no beat found");
            }
        }));
        return command;
    }

    private static string ToJson(TempoEstimate estimate)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (estimate.Bpm is double bpm)
            {
                writer.WriteNumber("bpm", Math.Round(bpm, 2));
            }
            else
            {
                writer.WriteNull("bpm");
            }

            writer.WriteNumber("confidence", Math.Round(estimate.Confidence, 3));
            WriteTimes(writer, "beats", estimate.Beats);
            WriteTimes(writer, "downbeats", estimate.Downbeats);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTimes(Utf8JsonWriter writer, string name, IReadOnlyList<double> seconds)
    {
        writer.WriteStartArray(name);
        foreach (double time in seconds)
        {
            writer.WriteNumberValue(Math.Round(time, 3));
        }

        writer.WriteEndArray();
    }
}
