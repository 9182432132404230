using System.Globalization;

namespace SpectroFlow.Datasets.Jamendo;

/// <summary>
/// One track of the Jamendo <c>/v3.0/tracks</c> listing, as the <c>jamendo</c> input yields it. Holds no client id:
/// the <c>audio</c> stream URL (which embeds it) is never read.
/// </summary>
public sealed record JamendoTrack
{
    /// <summary>The track id (digits when valid).</summary>
    public required string Id { get; init; }

    /// <summary>The track's title (<c>name</c>).</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>The artist's name.</summary>
    public string Artist { get; init; } = string.Empty;

    /// <summary>The album's name (empty for singles).</summary>
    public string Album { get; init; } = string.Empty;

    /// <summary>Duration in whole seconds as the API states it (0 when unknown).</summary>
    public int DurationSeconds { get; init; }

    /// <summary>Position on the album.</summary>
    public int Position { get; init; }

    /// <summary>Release date (<c>yyyy-mm-dd</c>) or empty.</summary>
    public string ReleaseDate { get; init; } = string.Empty;

    /// <summary>The download URL (<c>audiodownload</c>; empty when downloads are not allowed).</summary>
    public string AudioDownload { get; init; } = string.Empty;

    /// <summary>Whether the API allows downloading the audio (<c>audiodownload_allowed</c>; missing = false).</summary>
    public bool AudioDownloadAllowed { get; init; }

    /// <summary>The requested download format (<c>mp32</c>, <c>mp31</c>, <c>ogg</c>, <c>flac</c>).</summary>
    public string AudioFormat { get; init; } = "mp32";

    /// <summary>The licence URL (<c>license_ccurl</c>).</summary>
    public string LicenseUrl { get; init; } = string.Empty;

    /// <summary>The Creative Commons licence, or null when the track is not under one.</summary>
    public JamendoLicense? License { get; init; }

    /// <summary>The track's page (<c>shareurl</c>), or empty.</summary>
    public string ShareUrl { get; init; } = string.Empty;

    /// <summary><c>musicinfo.vocalinstrumental</c>.</summary>
    public string VocalInstrumental { get; init; } = string.Empty;

    /// <summary><c>musicinfo.gender</c>.</summary>
    public string Gender { get; init; } = string.Empty;

    /// <summary><c>musicinfo.speed</c>.</summary>
    public string Speed { get; init; } = string.Empty;

    /// <summary><c>musicinfo.acousticelectric</c>.</summary>
    public string AcousticElectric { get; init; } = string.Empty;

    /// <summary><c>musicinfo.tags.genres</c>.</summary>
    public IReadOnlyList<string> Genres { get; init; } = [];

    /// <summary><c>musicinfo.tags.instruments</c>.</summary>
    public IReadOnlyList<string> Instruments { get; init; } = [];

    /// <summary><c>musicinfo.tags.vartags</c>.</summary>
    public IReadOnlyList<string> VarTags { get; init; } = [];

    /// <summary>The download URL without client id parameters (set by the parser), part of <see cref="ToString"/>.</summary>
    public string DownloadIdentity { get; init; } = string.Empty;

    /// <summary>Whether <see cref="Id"/> is a plain positive number.</summary>
    public bool HasValidId => Id.Length is > 0 and <= 18 && Id.All(char.IsAsciiDigit);

    /// <summary>The track's page: <see cref="ShareUrl"/> or <c>https://www.jamendo.com/track/{id}</c>.</summary>
    public string TrackUrl => ShareUrl.Length > 0 ? ShareUrl : $"https://www.jamendo.com/track/{Id}";

    /// <summary>How messages name the track: <c>jamendo 1848357 'Title' by Artist</c>.</summary>
    public string Describe() => $"jamendo {Id} '{Title}' by {Artist}";

    /// <summary>
    /// A stable text naming this version of the track (id, format, download URL without client id, duration, licence):
    /// the engine hashes it to decide whether a finished item is still up to date.
    /// </summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"jamendo:{Id} {AudioFormat} {DownloadIdentity} {DurationSeconds}s {LicenseUrl}");
}
