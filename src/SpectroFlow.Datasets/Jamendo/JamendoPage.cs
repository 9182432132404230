using System.Globalization;
using System.Text.Json;

namespace SpectroFlow.Datasets.Jamendo;

/// <summary>One parsed <c>/tracks</c> response: its headers and tracks.</summary>
/// <param name="Code"><c>headers.code</c> (0 = success, 6 = rate limited…).</param>
/// <param name="ErrorMessage"><c>headers.error_message</c>.</param>
/// <param name="Warnings"><c>headers.warnings</c> (empty when none).</param>
/// <param name="FullCount"><c>headers.results_fullcount</c> when given.</param>
/// <param name="Tracks">The results in the order given.</param>
public sealed record JamendoPage(int Code, string ErrorMessage, string Warnings, long? FullCount, IReadOnlyList<JamendoTrack> Tracks)
{
    /// <summary>
    /// Parses a response body, accepting the API's typing quirks (ids as strings or numbers, numbers as strings,
    /// booleans as "true"/"false", missing or null lists). Throws <see cref="JsonException"/> when it is not JSON.
    /// </summary>
    public static JamendoPage Parse(string json, string audioFormat, ClientIdRedaction redaction)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(redaction);
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("headers", out JsonElement headers) || headers.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the response has no 'headers' object");
        }

        int code = Int(headers, "code") ?? -1;
        string error = Text(headers, "error_message");
        string warnings = headers.TryGetProperty("warnings", out JsonElement w) && w.ValueKind is JsonValueKind.Array or JsonValueKind.Object
            ? w.GetRawText()
            : Text(headers, "warnings");
        if (warnings is "[]" or "{}")
        {
            warnings = string.Empty;
        }

        long? fullCount = headers.TryGetProperty("results_fullcount", out JsonElement full) && TryLong(full, out long count) ? count : null;
        var tracks = new List<JamendoTrack>();
        if (root.TryGetProperty("results", out JsonElement results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement result in results.EnumerateArray())
            {
                if (result.ValueKind == JsonValueKind.Object)
                {
                    tracks.Add(ParseTrack(result, audioFormat, redaction));
                }
            }
        }

        return new JamendoPage(code, error, warnings, fullCount, tracks);
    }

    private static JamendoTrack ParseTrack(JsonElement track, string audioFormat, ClientIdRedaction redaction)
    {
        string download = Text(track, "audiodownload");
        string licenseUrl = Text(track, "license_ccurl");
        JsonElement musicInfo = track.TryGetProperty("musicinfo", out JsonElement mi) && mi.ValueKind == JsonValueKind.Object ? mi : default;
        JsonElement tags = musicInfo.ValueKind == JsonValueKind.Object && musicInfo.TryGetProperty("tags", out JsonElement t) && t.ValueKind == JsonValueKind.Object ? t : default;
        return new JamendoTrack
        {
            Id = Text(track, "id"),
            Title = Text(track, "name"),
            Artist = Text(track, "artist_name"),
            Album = Text(track, "album_name"),
            DurationSeconds = Int(track, "duration") ?? 0,
            Position = Int(track, "position") ?? 0,
            ReleaseDate = Text(track, "releasedate"),
            AudioDownload = download,
            AudioDownloadAllowed = Bool(track, "audiodownload_allowed"),
            AudioFormat = audioFormat,
            LicenseUrl = redaction.Redact(licenseUrl),
            License = JamendoLicense.Parse(licenseUrl),
            ShareUrl = redaction.StripUrl(Text(track, "shareurl")),
            VocalInstrumental = Text(musicInfo, "vocalinstrumental"),
            Gender = Text(musicInfo, "gender"),
            Speed = Text(musicInfo, "speed"),
            AcousticElectric = Text(musicInfo, "acousticelectric"),
            Genres = List(tags, "genres"),
            Instruments = List(tags, "instruments"),
            VarTags = List(tags, "vartags"),
            DownloadIdentity = redaction.StripUrl(download),
        };
    }

    private static string Text(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            return string.Empty;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? string.Empty,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => string.Empty,
        };
    }

    private static int? Int(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value) || !TryLong(value, out long number))
        {
            return null;
        }

        return (int)Math.Clamp(number, int.MinValue, int.MaxValue);
    }

    private static bool TryLong(JsonElement value, out long number)
    {
        number = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt64(out number):
                return true;
            case JsonValueKind.Number when value.TryGetDouble(out double real):
                number = (long)Math.Round(real);
                return true;
            case JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed):
                number = (long)Math.Round(parsed);
                return true;
            default:
                return false;
        }
    }

    private static bool Bool(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.String => value.GetString() is "true" or "1",
            JsonValueKind.Number => value.TryGetInt32(out int n) && n != 0,
            _ => false,
        };
    }

    private static List<string> List(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out JsonElement value))
        {
            return [];
        }

        var list = new List<string>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement entry in value.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.String && entry.GetString() is { Length: > 0 } text)
                {
                    list.Add(text);
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } single)
        {
            list.Add(single);
        }

        return list;
    }
}
