using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SpectroFlow.TestKit.Http;

/// <summary>What a fault does to one response.</summary>
public enum FakeFaultKind
{
    /// <summary>HTTP 429 with a Retry-After header.</summary>
    TooManyRequests,

    /// <summary>HTTP 200 with the API's code 6 (rate limit exceeded).</summary>
    RateLimitCode,

    /// <summary>HTTP 500.</summary>
    ServerError,

    /// <summary>No response at all until the server stops (a timeout).</summary>
    Stall,

    /// <summary>Headers and part of the body, then nothing (an idle read timeout).</summary>
    StallBody,

    /// <summary>The full Content-Length is announced, part of the body sent, then the connection closed.</summary>
    Truncate,

    /// <summary>HTTP 200 "success" with warnings and no results (over quota).</summary>
    OverQuota,

    /// <summary>HTTP 200 with an API error code (e.g. 5, invalid client id).</summary>
    ApiError,
}

/// <summary>A fault injected into one response.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="Bytes">Body bytes sent before a truncation or a body stall.</param>
/// <param name="RetryAfter">The Retry-After header of a 429.</param>
/// <param name="Code">The API code of <see cref="FakeFaultKind.ApiError"/>.</param>
public sealed record FakeFault(FakeFaultKind Kind, int Bytes = 0, string RetryAfter = "1", int Code = 3);

/// <summary>A track of the fake catalogue.</summary>
public sealed class FakeTrack
{
    /// <summary>Track id.</summary>
    public required int Id { get; init; }

    /// <summary>Written as a JSON number instead of a string (a typing trap); a text id replaces it when set.</summary>
    public bool IdAsNumber { get; init; }

    /// <summary>An id that is not a number (replaces <see cref="Id"/> in the JSON).</summary>
    public string? RawId { get; init; }

    public string Name { get; init; } = "Track";

    public string Artist { get; init; } = "Artist";

    public string Album { get; init; } = "Album";

    /// <summary>Duration in seconds as the API states it.</summary>
    public int Duration { get; init; } = 12;

    /// <summary>Duration written as a string ("12").</summary>
    public bool DurationAsString { get; init; }

    public string LicenseUrl { get; init; } = "http://creativecommons.org/licenses/by-nc-sa/3.0/";

    /// <summary>null = the field is missing (counts as false).</summary>
    public bool? DownloadAllowed { get; init; } = true;

    /// <summary>The payload served at the track's download URL.</summary>
    public byte[] Payload { get; init; } = [];

    public string[]? Genres { get; init; } = ["electronic"];

    public string[]? Instruments { get; init; } = ["synthesizer"];

    public string[]? VarTags { get; init; } = ["energetic"];

    /// <summary>When false, musicinfo.tags is null.</summary>
    public bool HasTags { get; init; } = true;

    public string Speed { get; init; } = "high";

    public string ReleaseDate { get; init; } = "2021-04-11";

    /// <summary>When false, Range headers are ignored (200 with the whole file), like a server without range support.</summary>
    public bool SupportsRange { get; init; } = true;
}

/// <summary>One request the server received.</summary>
/// <param name="Number">1-based, in arrival order over all requests.</param>
/// <param name="Path">The path without the query.</param>
/// <param name="Query">The raw query (without '?').</param>
/// <param name="Headers">Request headers (lower-case names).</param>
public sealed record FakeRequest(int Number, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The decoded value of query parameter <paramref name="name"/>, or null.</summary>
    public string? Param(string name)
    {
        foreach (string pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && pair[..eq] == name)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    /// <summary>Whether this is a /tracks listing request.</summary>
    public bool IsListing => Path.TrimEnd('/').EndsWith("/tracks", StringComparison.Ordinal);
}

/// <summary>
/// A small real HTTP/1.1 server on 127.0.0.1 (ephemeral port) that behaves like the Jamendo API v3.0 <c>/tracks</c>
/// method (with its typing quirks) and serves the tracks' payloads at the download URLs it hands out, with Range
/// support. Records every request; faults can be injected per listing request number or per track download.
/// </summary>
public sealed class FakeJamendoApi : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly ConcurrentDictionary<int, FakeFault> _listingFaults = new();
    private readonly ConcurrentDictionary<int, ConcurrentQueue<FakeFault>> _downloadFaults = new();
    private int _requestCount;
    private int _listingCount;

    private readonly SemaphoreSlim _slowDownloads = new(1, 1);

    /// <summary>Starts the server with <paramref name="clientId"/> as the only valid client id.</summary>
    public FakeJamendoApi(string clientId)
    {
        ClientId = clientId;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    public string ClientId { get; }

    public int Port { get; }

    /// <summary>The API base (<c>http://127.0.0.1:port/v3.0</c>).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v3.0";

    /// <summary>
    /// How long each download waits before its response; slow downloads are served one at a time (a slow storage server,
    /// so a kill test finds a run part-way).
    /// </summary>
    public TimeSpan DownloadDelay { get; set; }

    /// <summary>The catalogue (add before listing).</summary>
    public List<FakeTrack> Tracks { get; } = [];

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests => [.. _requests];

    /// <summary>The listing requests so far.</summary>
    public IReadOnlyList<FakeRequest> Listings => [.. _requests.Where(r => r.IsListing)];

    /// <summary>The download requests of track <paramref name="id"/>.</summary>
    public IReadOnlyList<FakeRequest> Downloads(int id) => [.. _requests.Where(r => r.Path.StartsWith($"/download/track/{id}/", StringComparison.Ordinal))];

    /// <summary>Injects <paramref name="fault"/> into the <paramref name="number"/>-th listing request (1-based).</summary>
    public void FailListing(int number, FakeFault fault) => _listingFaults[number] = fault;

    /// <summary>Injects <paramref name="faults"/> into the next downloads of track <paramref name="id"/>, one each.</summary>
    public void FailDownload(int id, params FakeFault[] faults)
    {
        ConcurrentQueue<FakeFault> queue = _downloadFaults.GetOrAdd(id, _ => new ConcurrentQueue<FakeFault>());
        foreach (FakeFault fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping.
        }

        _stop.Dispose();
        _slowDownloads.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                FakeRequest? request = await ReadRequestAsync(stream).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                _requests.Enqueue(request);
                if (request.IsListing)
                {
                    await ServeListingAsync(stream, request).ConfigureAwait(false);
                }
                else if (request.Path.StartsWith("/download/track/", StringComparison.Ordinal))
                {
                    await ServeDownloadAsync(stream, request).ConfigureAwait(false);
                }
                else
                {
                    await WriteAsync(stream, 404, "Not Found", "text/plain", "not found"u8.ToArray()).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away (a timeout on its side) or the server stops.
            }
        }
    }

    private async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        byte[] one = new byte[1];
        while (head.Count < 65536)
        {
            int read = await stream.ReadAsync(one, _stop.Token).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                break;
            }
        }

        string[] lines = Encoding.ASCII.GetString([.. head]).Split("\r\n");
        string[] first = lines[0].Split(' ');
        string target = first.Length > 1 ? first[1] : "/";
        int q = target.IndexOf('?', StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        return new FakeRequest(Interlocked.Increment(ref _requestCount), q < 0 ? target : target[..q], q < 0 ? string.Empty : target[(q + 1)..], headers);
    }

    private async Task ServeListingAsync(NetworkStream stream, FakeRequest request)
    {
        int number = Interlocked.Increment(ref _listingCount);
        if (_listingFaults.TryRemove(number, out FakeFault? fault))
        {
            switch (fault.Kind)
            {
                case FakeFaultKind.TooManyRequests:
                    await WriteAsync(stream, 429, "Too Many Requests", "text/plain", "slow down"u8.ToArray(), $"Retry-After: {fault.RetryAfter}\r\n").ConfigureAwait(false);
                    return;
                case FakeFaultKind.ServerError:
                    await WriteAsync(stream, 500, "Internal Server Error", "text/plain", "oops"u8.ToArray()).ConfigureAwait(false);
                    return;
                case FakeFaultKind.Stall:
                    await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                    return;
                case FakeFaultKind.RateLimitCode:
                    await WriteJsonAsync(stream, Failure(6, "Rate limit exceeded")).ConfigureAwait(false);
                    return;
                case FakeFaultKind.ApiError:
                    await WriteJsonAsync(stream, Failure(fault.Code, $"Parameter error from app-{request.Param("client_id")}")).ConfigureAwait(false);
                    return;
                case FakeFaultKind.OverQuota:
                    await WriteJsonAsync(stream, Page([], "Quota exceeded for this month", [])).ConfigureAwait(false);
                    return;
                default:
                    break;
            }
        }

        if (request.Param("client_id") != ClientId)
        {
            await WriteJsonAsync(stream, Failure(5, "Your credential is not authorized.")).ConfigureAwait(false);
            return;
        }

        int limit = int.Parse(request.Param("limit") ?? "10", CultureInfo.InvariantCulture);
        int offset = int.Parse(request.Param("offset") ?? "0", CultureInfo.InvariantCulture);
        IEnumerable<FakeTrack> tracks = Tracks;
        if (request.Param("order") == "id_asc")
        {
            tracks = tracks.OrderBy(t => t.Id);
        }

        if (request.Param("tags") is { } tags)
        {
            string[] wanted = tags.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            tracks = tracks.Where(t => wanted.All(w => (t.Genres ?? []).Concat(t.Instruments ?? []).Concat(t.VarTags ?? []).Contains(w)));
        }

        if (request.Param("speed") is { } speed)
        {
            string[] speeds = speed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            tracks = tracks.Where(t => speeds.Contains(t.Speed));
        }

        string format = request.Param("audiodlformat") ?? "mp32";
        List<FakeTrack> all = [.. tracks];
        List<FakeTrack> page = [.. all.Skip(offset).Take(Math.Min(limit, 200))];
        long? fullCount = request.Param("fullcount") == "true" ? all.Count : null;
        await WriteJsonAsync(stream, Page(page, string.Empty, page, format, request.Param("client_id") ?? string.Empty, fullCount)).ConfigureAwait(false);
    }

    private async Task ServeDownloadAsync(NetworkStream stream, FakeRequest request)
    {
        if (DownloadDelay <= TimeSpan.Zero)
        {
            await ServeDownloadNowAsync(stream, request).ConfigureAwait(false);
            return;
        }

        await _slowDownloads.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Delay(DownloadDelay).ConfigureAwait(false);
            await ServeDownloadNowAsync(stream, request).ConfigureAwait(false);
        }
        finally
        {
            _slowDownloads.Release();
        }
    }

    private async Task ServeDownloadNowAsync(NetworkStream stream, FakeRequest request)
    {
        string[] parts = request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        FakeTrack? track = parts.Length >= 3 && int.TryParse(parts[2], CultureInfo.InvariantCulture, out int id) ? Tracks.Find(t => t.Id == id) : null;
        if (track is null)
        {
            await WriteAsync(stream, 404, "Not Found", "text/plain", "no such track"u8.ToArray()).ConfigureAwait(false);
            return;
        }

        FakeFault? fault = _downloadFaults.TryGetValue(track.Id, out ConcurrentQueue<FakeFault>? queue) && queue.TryDequeue(out FakeFault? next) ? next : null;
        switch (fault?.Kind)
        {
            case FakeFaultKind.TooManyRequests:
                await WriteAsync(stream, 429, "Too Many Requests", "text/plain", "slow down"u8.ToArray(), $"Retry-After: {fault.RetryAfter}\r\n").ConfigureAwait(false);
                return;
            case FakeFaultKind.ServerError:
                await WriteAsync(stream, 503, "Service Unavailable", "text/plain", "busy"u8.ToArray()).ConfigureAwait(false);
                return;
            case FakeFaultKind.Stall:
                await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                return;
            default:
                break;
        }

        byte[] payload = track.Payload;
        int start = 0;
        int status = 200;
        string extra = "Accept-Ranges: bytes\r\n";
        if (track.SupportsRange && request.Headers.TryGetValue("range", out string? range) && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && int.TryParse(range["bytes=".Length..^1], CultureInfo.InvariantCulture, out int from))
        {
            if (from >= payload.Length)
            {
                await WriteAsync(stream, 416, "Range Not Satisfiable", "text/plain", [], $"Content-Range: bytes */{payload.Length}\r\n").ConfigureAwait(false);
                return;
            }

            start = from;
            status = 206;
            extra += $"Content-Range: bytes {from}-{payload.Length - 1}/{payload.Length}\r\n";
        }

        byte[] body = payload[start..];
        if (fault?.Kind is FakeFaultKind.Truncate or FakeFaultKind.StallBody)
        {
            await WriteHeadAsync(stream, status, status == 206 ? "Partial Content" : "OK", "audio/mpeg", body.Length, extra).ConfigureAwait(false);
            await stream.WriteAsync(body.AsMemory(0, Math.Min(fault.Bytes, body.Length)), _stop.Token).ConfigureAwait(false);
            await stream.FlushAsync(_stop.Token).ConfigureAwait(false);
            if (fault.Kind == FakeFaultKind.StallBody)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
            }

            return;
        }

        await WriteAsync(stream, status, status == 206 ? "Partial Content" : "OK", "audio/mpeg", body, extra).ConfigureAwait(false);
    }

    private static string Failure(int code, string message) => JsonSerializer.Serialize(new
    {
        headers = new { status = "failed", code, error_message = message, warnings = "", results_count = 0 },
        results = Array.Empty<object>(),
    });

    private string Page(List<FakeTrack> tracks, string warnings, List<FakeTrack> results, string format = "mp32", string clientId = "", long? fullCount = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("headers");
            json.WriteString("status", "success");
            json.WriteNumber("code", 0);
            json.WriteString("error_message", string.Empty);
            json.WriteString("warnings", warnings);
            json.WriteNumber("results_count", tracks.Count);
            if (fullCount is { } full)
            {
                json.WriteString("results_fullcount", full.ToString(CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
            json.WriteStartArray("results");
            foreach (FakeTrack track in results)
            {
                WriteTrack(json, track, format, clientId);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteTrack(Utf8JsonWriter json, FakeTrack track, string format, string clientId)
    {
        string id = track.Id.ToString(CultureInfo.InvariantCulture);
        json.WriteStartObject();
        if (track.RawId is { } raw)
        {
            json.WriteString("id", raw);
        }
        else if (track.IdAsNumber)
        {
            json.WriteNumber("id", track.Id);
        }
        else
        {
            json.WriteString("id", id);
        }

        json.WriteString("name", track.Name);
        if (track.DurationAsString)
        {
            json.WriteString("duration", track.Duration.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNumber("duration", track.Duration);
        }

        json.WriteString("artist_id", "421168");
        json.WriteString("artist_name", track.Artist);
        json.WriteString("album_name", track.Album);
        json.WriteString("album_id", "368084");
        json.WriteString("license_ccurl", track.LicenseUrl);
        json.WriteNumber("position", 1);
        json.WriteString("releasedate", track.ReleaseDate);
        json.WriteString("audio", $"http://127.0.0.1:{Port}/stream/?trackid={id}&format=mp31&from=app-{clientId}");
        bool allowed = track.DownloadAllowed == true;
        json.WriteString("audiodownload", allowed ? $"http://127.0.0.1:{Port}/download/track/{id}/{format}/" : string.Empty);
        if (track.DownloadAllowed is { } flag)
        {
            json.WriteBoolean("audiodownload_allowed", flag);
        }

        json.WriteBoolean("content_id_free", false);
        json.WriteString("shareurl", $"https://www.jamendo.com/track/{id}");
        json.WriteString("shorturl", $"https://jamen.do/t/{id}");
        json.WriteString("waveform", "{\"peaks\":[0,0,30,12,-4]}");
        json.WriteStartObject("musicinfo");
        json.WriteString("vocalinstrumental", "instrumental");
        json.WriteString("lang", string.Empty);
        json.WriteString("gender", string.Empty);
        json.WriteString("acousticelectric", "electric");
        json.WriteString("speed", track.Speed);
        if (track.HasTags)
        {
            json.WriteStartObject("tags");
            WriteList(json, "genres", track.Genres);
            WriteList(json, "instruments", track.Instruments);
            WriteList(json, "vartags", track.VarTags);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("tags");
        }

        json.WriteEndObject();
        json.WriteStartObject("licenses");
        json.WriteString("ccnc", track.LicenseUrl.Contains("-nc", StringComparison.Ordinal) ? "true" : "false");
        json.WriteString("ccnd", track.LicenseUrl.Contains("-nd", StringComparison.Ordinal) ? "true" : "false");
        json.WriteString("ccsa", track.LicenseUrl.Contains("-sa", StringComparison.Ordinal) ? "true" : "false");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter json, string name, string[]? values)
    {
        if (values is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (string value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private Task WriteJsonAsync(NetworkStream stream, string json) =>
        WriteAsync(stream, 200, "OK", "application/json", Encoding.UTF8.GetBytes(json));

    private async Task WriteAsync(NetworkStream stream, int status, string reason, string contentType, byte[] body, string extraHeaders = "")
    {
        await WriteHeadAsync(stream, status, reason, contentType, body.Length, extraHeaders).ConfigureAwait(false);
        await stream.WriteAsync(body, _stop.Token).ConfigureAwait(false);
        await stream.FlushAsync(_stop.Token).ConfigureAwait(false);
    }

    private async Task WriteHeadAsync(NetworkStream stream, int status, string reason, string contentType, long length, string extraHeaders)
    {
        string head = $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {length}\r\nConnection: close\r\n{extraHeaders}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token).ConfigureAwait(false);
    }
}
