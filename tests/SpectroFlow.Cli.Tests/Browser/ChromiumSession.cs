using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpectroFlow.Cli.Tests.Browser;

/// <summary>
/// A headless Chromium driven over the DevTools protocol (one page, one WebSocket): navigate, evaluate, screenshot.
/// Test-only; the binary is <c>SPECTROFLOW_CHROMIUM</c>, else /usr/bin/chromium, else <c>chromium</c> on PATH.
/// </summary>
internal sealed class ChromiumSession : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _events = [];
    private int _nextId;

    private ChromiumSession(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The Chromium binary to use, or null when none is installed.</summary>
    public static string? FindBinary()
    {
        string? configured = Environment.GetEnvironmentVariable("SPECTROFLOW_CHROMIUM");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        if (File.Exists("/usr/bin/chromium"))
        {
            return "/usr/bin/chromium";
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "chromium"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Starts Chromium on about:blank and connects to its page.</summary>
    public static async Task<ChromiumSession> StartAsync(string binary, CancellationToken cancellationToken)
    {
        string profile = Directory.CreateTempSubdirectory("spectroflow-chromium-").FullName;
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless=new", "--remote-debugging-port=0", $"--user-data-dir={profile}", "--no-sandbox", "--no-first-run",
            "--disable-gpu", "--mute-audio", "--disable-extensions", "--disable-background-networking", "--window-size=1200,900", "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var session = new ChromiumSession(process, profile);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and waits for its load event.</summary>
    public async Task NavigateAsync(string url, CancellationToken cancellationToken)
    {
        await SendAsync("Page.enable", new JsonObject(), cancellationToken).ConfigureAwait(false);
        _events.Clear();
        JsonObject result = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, cancellationToken).ConfigureAwait(false);
        if (result["errorText"] is JsonNode error)
        {
            throw new InvalidOperationException($"navigating to {url}: {error}");
        }

        while (!_events.Any(e => (string?)e["method"] == "Page.loadEventFired"))
        {
            _events.Add(await ReceiveAsync(cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> (promises awaited) and returns its value as a string.</summary>
    public async Task<string> EvaluateAsync(string expression, CancellationToken cancellationToken)
    {
        JsonObject result = await SendAsync(
            "Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true },
            cancellationToken).ConfigureAwait(false);
        if (result["exceptionDetails"] is JsonNode exception)
        {
            throw new InvalidOperationException($"script failed: {exception.ToJsonString()}");
        }

        return result["result"]?["value"]?.ToString() ?? string.Empty;
    }

    /// <summary>A PNG screenshot of the whole page.</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken cancellationToken)
    {
        JsonObject result = await SendAsync(
            "Page.captureScreenshot",
            new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true },
            cancellationToken).ConfigureAwait(false);
        return Convert.FromBase64String((string?)result["data"] ?? string.Empty);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (TimeoutException)
        {
            // Left to the OS; the test is done with it.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be writing its profile on the way out.
        }
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        string? port = null;
        while (port is null)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"chromium exited with code {_process.ExitCode} before opening its DevTools port");
            }

            if (File.Exists(portFile) && (await File.ReadAllLinesAsync(portFile, cancellationToken).ConfigureAwait(false)) is [{ Length: > 0 } first, ..])
            {
                port = first.Trim();
            }
            else
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        using var http = new HttpClient();
        string targets = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json"), cancellationToken).ConfigureAwait(false);
        string webSocket = JsonNode.Parse(targets)!.AsArray()
            .Where(t => (string?)t!["type"] == "page")
            .Select(t => (string?)t!["webSocketDebuggerUrl"])
            .FirstOrDefault(u => u is not null) ?? throw new InvalidOperationException($"chromium lists no page: {targets}");
        await _socket.ConnectAsync(new Uri(webSocket), cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        int id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            JsonObject reply = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (reply["id"] is JsonNode replyId && (int)replyId == id)
            {
                if (reply["error"] is JsonNode error)
                {
                    throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
                }

                return reply["result"]?.AsObject() ?? [];
            }

            if (reply["method"] is not null)
            {
                _events.Add(reply);
            }
        }
    }

    private async Task<JsonObject> ReceiveAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("chromium closed the DevTools connection");
            }

            buffer.Write(chunk, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(buffer.ToArray())?.AsObject() ?? throw new JsonException("empty DevTools message");
    }
}
