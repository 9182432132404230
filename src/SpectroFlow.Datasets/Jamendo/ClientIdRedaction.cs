namespace SpectroFlow.Datasets.Jamendo;

/// <summary>
/// Removes the Jamendo client id from any text before it reaches a message, a log line, metadata or a file: the API
/// embeds it in URLs it returns (the <c>audio</c> stream URL carries <c>from=app-&lt;id&gt;</c>). One instance per run,
/// shared by the input (which learns the id) and the download step.
/// </summary>
public sealed class ClientIdRedaction
{
    /// <summary>What a client id is replaced with.</summary>
    public const string Mask = "***";

    private volatile string[] _secrets = [];
    private readonly Lock _gate = new();

    /// <summary>Adds <paramref name="clientId"/> to the values removed from text.</summary>
    public void Add(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        lock (_gate)
        {
            if (Array.IndexOf(_secrets, clientId) < 0)
            {
                _secrets = [.. _secrets, clientId];
            }
        }
    }

    /// <summary><paramref name="text"/> with every known client id replaced by <see cref="Mask"/>.</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (string secret in _secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>
    /// <paramref name="url"/> without the query parameters that carry a client id (<c>client_id</c>, <c>from</c>) and
    /// with any known id masked: a stable text for identities and metadata.
    /// </summary>
    public string StripUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int query = url.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return Redact(url);
        }

        var kept = new List<string>();
        foreach (string pair in url[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? pair : pair[..eq];
            if (!name.Equals("client_id", StringComparison.OrdinalIgnoreCase) && !name.Equals("from", StringComparison.OrdinalIgnoreCase))
            {
                kept.Add(pair);
            }
        }

        string stripped = kept.Count == 0 ? url[..query] : url[..(query + 1)] + string.Join('&', kept);
        return Redact(stripped);
    }
}
