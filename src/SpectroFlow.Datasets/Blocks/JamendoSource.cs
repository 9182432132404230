using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Datasets.Jamendo;

namespace SpectroFlow.Datasets.Blocks;

/// <summary>Download formats of Jamendo (<c>audiodlformat</c>).</summary>
public enum JamendoAudioFormat
{
    /// <summary>MP3, variable bit rate, good quality.</summary>
    Mp32,

    /// <summary>MP3 at 96 kbps.</summary>
    Mp31,

    /// <summary>Ogg Vorbis.</summary>
    Ogg,

    /// <summary>FLAC (lossless, where Jamendo has it).</summary>
    Flac,
}

/// <summary>Options of the <c>jamendo</c> input.</summary>
[ProducesMetadata(
    JamendoSource.IdKey, "title", "artist", "album", "track_url", "license_url", "license", "license_kind", "genres", "instruments",
    "vartags", "vocalinstrumental", "gender", "speed", "acousticelectric", "release_date", "api_duration_seconds", JamendoSource.SlugKey)]
public sealed class JamendoSourceOptions : IBlockOptions
{
    /// <summary>Query keys the input sets itself.</summary>
    internal static readonly string[] s_reservedKeys = ["client_id", "format", "limit", "offset", "order", "include", "type", "audiodlformat"];

    /// <summary>The API base URL.</summary>
    [Description("Jamendo API base URL.")]
    public string Url { get; init; } = "https://api.jamendo.com/v3.0";

    /// <summary>A file holding the client id; when absent the environment variable JAMENDO_CLIENT_ID is used.</summary>
    [Description("File holding the Jamendo client id (else the JAMENDO_CLIENT_ID environment variable).")]
    public InputPath? ClientIdFile { get; init; }

    /// <summary>Extra /tracks filters as a query string (<c>tags=electronic&amp;speed=high&amp;durationbetween=30_600</c>).</summary>
    [Description("Extra /tracks filters as a query string, e.g. tags=electronic&speed=high&durationbetween=30_600.")]
    public string Query { get; init; } = string.Empty;

    /// <summary>The download format.</summary>
    [Description("Download format: mp32 (VBR MP3), mp31 (96 kbps MP3), ogg or flac.")]
    public JamendoAudioFormat AudioFormat { get; init; } = JamendoAudioFormat.Mp32;

    /// <summary>At most this many tracks are yielded (0 = all).</summary>
    [Description("At most this many tracks are yielded (0 = no cap).")]
    [Range(0, int.MaxValue)]
    public int MaxTracks { get; init; }

    /// <summary>Tracks per API request.</summary>
    [Description("Tracks per API request (the API allows at most 200).")]
    [Range(1, 200)]
    public int PageSize { get; init; } = 200;

    /// <summary>Connect and read timeout of each request, in seconds.</summary>
    [Description("Connect and read timeout of each request, in seconds.")]
    [Range(1, 3600)]
    public int TimeoutS { get; init; } = 30;

    /// <summary>Retries of a failed request (429, 5xx, rate limit, network errors, timeouts).</summary>
    [Description("Retries of a request that failed in a way worth retrying (429, 5xx, API rate limit, network, timeout).")]
    [Range(0, 100)]
    public int Retries { get; init; } = 6;

    /// <summary>First back-off in milliseconds, doubled on each retry, with jitter.</summary>
    [Description("First back-off in milliseconds, doubled on each retry, with jitter.")]
    [Range(0, 3_600_000)]
    public int RetryDelayMs { get; init; } = 1000;

    /// <summary>Wait before retrying an over-quota page (and the cap of any Retry-After), in seconds.</summary>
    [Description("Wait before retrying an over-quota page (empty with warnings), and the cap of Retry-After, in seconds.")]
    [Range(0.0, 86400.0)]
    public double QuotaBackoffS { get; init; } = 300;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!Uri.TryCreate(Url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("url", $"'{Url}' is not an http or https URL");
        }

        ParseQuery(Query, problem => errors.Add("query", problem));
    }

    /// <summary>The filters of <paramref name="query"/> as (key, escaped value) pairs; each problem goes to <paramref name="problem"/>.</summary>
    internal static List<KeyValuePair<string, string>> ParseQuery(string query, Action<string> problem)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in query.Trim().TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? part.Trim() : part[..eq].Trim();
            string value = eq < 0 ? string.Empty : part[(eq + 1)..].Trim();
            if (key.Length == 0 || value.Length == 0 || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                problem($"'{part}' is not a filter of the form key=value (lower-case key)");
            }
            else if (Array.IndexOf(s_reservedKeys, key) >= 0)
            {
                problem($"'{key}' is set by the input and may not be given in the query");
            }
            else if (!seen.Add(key))
            {
                problem($"'{key}' is given twice");
            }
            else
            {
                pairs.Add(new(key, Escape(value)));
            }
        }

        return pairs;
    }

    private static string Escape(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or ',' or ':' or '%')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return builder.ToString();
    }
}

/// <summary>
/// Lists Jamendo tracks (<c>/tracks</c>, ordered by id, singles and album tracks, with music info and licences) page by
/// page to the real end of the listing and yields those that may be downloaded under a Creative Commons licence; the
/// others are left out with a reason. Key: the track id. Throttling, server errors and timeouts are retried with
/// back-off; when retries run out the input fails with one line, and the tracks already yielded are still processed.
/// The client id never appears in a message, a log line, metadata or the payload.
/// </summary>
public sealed class JamendoSource(JamendoSourceOptions options) : IItemSource<JamendoTrack>
{
    /// <summary>Metadata: the track id.</summary>
    public const string IdKey = "jamendo_id";

    /// <summary>Metadata: "{id}_{artist - title}" as a safe file name.</summary>
    public const string SlugKey = "track_slug";

    /// <summary>Reason: the API does not allow downloading the track.</summary>
    public const string NotAllowed = "audio download not allowed";

    /// <summary>Reason: the licence is not Creative Commons.</summary>
    public const string NotCreativeCommons = "licence not Creative Commons";

    /// <summary>Reason: the id is not a number.</summary>
    public const string InvalidId = "invalid id";

    /// <summary>Reason: the download URL is not an http(s) URL.</summary>
    public const string InvalidDownloadUrl = "invalid download url";

    /// <summary>The environment variable read when no client id file is given.</summary>
    public const string ClientIdVariable = "JAMENDO_CLIENT_ID";

    /// <inheritdoc/>
    public async IAsyncEnumerable<SourceItem<JamendoTrack>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        string clientId = ReadClientId(context);
        ClientIdRedaction redaction = JamendoHttp.Redaction(context.Resources);
        redaction.Add(clientId);
        redaction.Add(Uri.EscapeDataString(clientId));
        var retry = new JamendoRetry(options.Retries, TimeSpan.FromMilliseconds(options.RetryDelayMs), TimeSpan.FromSeconds(options.QuotaBackoffS), TimeSpan.FromSeconds(options.TimeoutS));
        JamendoHttp http = JamendoHttp.Shared(context.Resources, retry.Timeout);
        List<KeyValuePair<string, string>> filters = JamendoSourceOptions.ParseQuery(options.Query, problem => throw new SpectroFlowException($"query: {problem}"));
        string format = FormatName(options.AudioFormat);
        long offset = 0;
        int yielded = 0;
        bool reported = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            long pageOffset = offset;
            Polly.ResiliencePipeline pipeline = retry.Build((attempt, ex) => context.Log(redaction.Redact(
                $"jamendo: offset {pageOffset}: {JamendoRetry.Describe(ex)}; retry {attempt} of {retry.Retries}")));
            Uri uri = PageUri(clientId, format, filters, pageOffset);
            JamendoPage page;
            try
            {
                page = await pipeline.ExecuteAsync(token => new ValueTask<JamendoPage>(FetchAsync(http, uri, format, pageOffset, retry, redaction, token)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (JamendoRetry.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                throw new SpectroFlowException(redaction.Redact(
                    $"{JamendoRetry.Describe(ex)} at offset {pageOffset} after {retry.TriesText}; rerun later to continue"));
            }

            if (!reported && page.FullCount is { } full)
            {
                context.ReportExpectedItems(options.MaxTracks > 0 ? Math.Min(full, options.MaxTracks) : full);
                reported = true;
            }

            foreach (JamendoTrack track in page.Tracks)
            {
                string? reason = Check(track);
                if (reason is not null)
                {
                    context.LeaveOut(track.HasValidId ? track.Id : SafeFileName.From($"invalid id {track.Id}"), reason);
                    continue;
                }

                if (!seen.Add(track.Id))
                {
                    // A catalogue that changes while it is listed can repeat a track across pages; keys must stay unique.
                    continue;
                }

                yield return new SourceItem<JamendoTrack>(track.Id, track, Metadata(track, redaction));
                if (options.MaxTracks > 0 && ++yielded >= options.MaxTracks)
                {
                    yield break;
                }
            }

            if (page.Tracks.Count < options.PageSize)
            {
                yield break;
            }

            offset += page.Tracks.Count;
        }
    }

    /// <summary>The file extension of a download format (<c>mp3</c>, <c>ogg</c>, <c>flac</c>).</summary>
    public static string Extension(string audioFormat) => audioFormat switch
    {
        "ogg" => "ogg",
        "flac" => "flac",
        _ => "mp3",
    };

    /// <summary>Why <paramref name="track"/> is left out, or null when it is yielded.</summary>
    internal static string? Check(JamendoTrack track)
    {
        if (!track.HasValidId)
        {
            return InvalidId;
        }

        if (!track.AudioDownloadAllowed || string.IsNullOrWhiteSpace(track.AudioDownload))
        {
            return NotAllowed;
        }

        if (!Uri.TryCreate(track.AudioDownload, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return InvalidDownloadUrl;
        }

        return track.License is null ? NotCreativeCommons : null;
    }

    private static Dictionary<string, object> Metadata(JamendoTrack track, ClientIdRedaction redaction)
    {
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [IdKey] = track.Id,
            ["title"] = track.Title,
            ["artist"] = track.Artist,
            ["album"] = track.Album,
            ["track_url"] = track.TrackUrl,
            ["license_url"] = track.LicenseUrl,
            ["license"] = track.License?.Label ?? string.Empty,
            ["license_kind"] = track.License?.Kind ?? string.Empty,
            ["genres"] = string.Join(", ", track.Genres),
            ["instruments"] = string.Join(", ", track.Instruments),
            ["vartags"] = string.Join(", ", track.VarTags),
            ["vocalinstrumental"] = track.VocalInstrumental,
            ["gender"] = track.Gender,
            ["speed"] = track.Speed,
            ["acousticelectric"] = track.AcousticElectric,
            ["release_date"] = track.ReleaseDate,
            ["api_duration_seconds"] = (long)track.DurationSeconds,
            [SlugKey] = track.Id + "_" + SafeFileName.From($"{track.Artist} - {track.Title}"),
        };
        foreach (string key in metadata.Keys.ToArray())
        {
            if (metadata[key] is string text)
            {
                metadata[key] = redaction.Redact(text);
            }
        }

        return metadata;
    }

    private string ReadClientId(RunContext context)
    {
        string? id;
        if (options.ClientIdFile is { } file)
        {
            string path = file.Resolve(context.InputRoot);
            try
            {
                id = File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new SpectroFlowException($"client_id_file '{file.Value}' cannot be read: {ex.Message}");
            }

            if (id.Length == 0)
            {
                throw new SpectroFlowException($"client_id_file '{file.Value}' is empty");
            }
        }
        else
        {
            id = Environment.GetEnvironmentVariable(ClientIdVariable)?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                throw new SpectroFlowException($"no client id: set {ClientIdVariable} or the input's client_id_file (get one at https://devportal.jamendo.com)");
            }
        }

        if (id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new SpectroFlowException("the client id contains spaces or line breaks");
        }

        return id;
    }

    private Uri PageUri(string clientId, string format, List<KeyValuePair<string, string>> filters, long offset)
    {
        var builder = new StringBuilder(options.Url.TrimEnd('/'));
        builder.Append(CultureInfo.InvariantCulture, $"/tracks/?client_id={Uri.EscapeDataString(clientId)}&format=json&limit={options.PageSize}&offset={offset}");
        builder.Append(CultureInfo.InvariantCulture, $"&order=id_asc&type=single+albumtrack&include=musicinfo+licenses&audiodlformat={format}");
        foreach (KeyValuePair<string, string> filter in filters)
        {
            builder.Append('&').Append(filter.Key).Append('=').Append(filter.Value);
        }

        return new Uri(builder.ToString());
    }

    private static async Task<JamendoPage> FetchAsync(JamendoHttp http, Uri uri, string format, long offset, JamendoRetry retry, ClientIdRedaction redaction, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(retry.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using HttpResponseMessage response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status == 429)
            {
                throw new JamendoTransientException("rate limited (HTTP 429)", retry.RetryAfter(response));
            }

            if (status >= 500)
            {
                throw new JamendoTransientException($"HTTP {status} {response.ReasonPhrase}");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SpectroFlowException(redaction.Redact($"Jamendo API: HTTP {status} {response.ReasonPhrase} at offset {offset}"));
            }

            string body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            JamendoPage page;
            try
            {
                page = JamendoPage.Parse(body, format, redaction);
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new JamendoTransientException($"the response is not the API's JSON ({ex.Message.ReplaceLineEndings(" ")})");
            }

            if (page.Code == 6)
            {
                throw new JamendoTransientException(redaction.Redact($"rate limited (code 6: {page.ErrorMessage})"));
            }

            if (page.Code != 0)
            {
                throw new SpectroFlowException(redaction.Redact($"Jamendo API error {page.Code} at offset {offset}: {page.ErrorMessage}".ReplaceLineEndings(" ")));
            }

            if (page.Tracks.Count == 0 && page.Warnings.Length > 0)
            {
                throw new JamendoTransientException(redaction.Redact($"over quota (an empty page with warnings: {page.Warnings})".ReplaceLineEndings(" ")), retry.MaxWait);
            }

            return page;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no response within {retry.Timeout.TotalSeconds:0.###} s");
        }
    }

    private static string FormatName(JamendoAudioFormat format) => format switch
    {
        JamendoAudioFormat.Mp31 => "mp31",
        JamendoAudioFormat.Ogg => "ogg",
        JamendoAudioFormat.Flac => "flac",
        _ => "mp32",
    };
}
