namespace SpectroFlow.Datasets;

/// <summary>
/// The item metadata the dataset writer reads for credits, the dataset card and <c>metadata.jsonl</c> (a source of
/// tracks, e.g. Jamendo, sets them on its items; all are optional).
/// </summary>
public static class DatasetKeys
{
    /// <summary>The Jamendo track id (string).</summary>
    public const string JamendoId = "jamendo_id";

    /// <summary>A readable slug of the track (e.g. <c>1848357-night-drive</c>), for file names.</summary>
    public const string TrackSlug = "track_slug";

    /// <summary>The track's title (without it: the source file's name).</summary>
    public const string Title = "title";

    /// <summary>The artist's name.</summary>
    public const string Artist = "artist";

    /// <summary>The album's name.</summary>
    public const string Album = "album";

    /// <summary>The track's page (Jamendo <c>shareurl</c>).</summary>
    public const string TrackUrl = "track_url";

    /// <summary>The licence's short name (<c>CC BY-SA 3.0</c>); without it, it is read from <see cref="LicenseUrl"/>.</summary>
    public const string License = "license";

    /// <summary>The licence's deed (Jamendo <c>license_ccurl</c>).</summary>
    public const string LicenseUrl = "license_url";

    /// <summary>The tempo estimate in beats per minute (number).</summary>
    public const string Bpm = "bpm";

    /// <summary>The whole track's duration in seconds (number); without it, the end of its last slice (<c>end_ms</c>).</summary>
    public const string TrackDurationSeconds = "api_duration_seconds";

    /// <summary>Where a slice ends in its track, in milliseconds (set by <c>slice</c> and <c>decode-slices</c>).</summary>
    public const string EndMs = "end_ms";
}
