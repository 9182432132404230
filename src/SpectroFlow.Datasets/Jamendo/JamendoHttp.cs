using System.Globalization;
using System.Net;
using Polly;
using Polly.Retry;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Datasets.Jamendo;

/// <summary>
/// The HTTP client shared by the <c>jamendo</c> input and the <c>download</c> step of one run (a run-wide resource),
/// with a connect timeout; read timeouts and retries are per request (<see cref="JamendoRetry"/>).
/// </summary>
public sealed class JamendoHttp : IDisposable
{
    private JamendoHttp(TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = connectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = true,
        };
        Client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("SpectroFlow/0.1");
    }

    /// <summary>The client (no overall timeout: callers time each request and each read).</summary>
    public HttpClient Client { get; }

    /// <summary>The run's client for <paramref name="connectTimeout"/>, created on first use.</summary>
    public static JamendoHttp Shared(SharedResources resources, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(resources);
        string name = string.Create(CultureInfo.InvariantCulture, $"jamendo:http:{connectTimeout.TotalMilliseconds}");
        return resources.GetOrCreate(name, () => new JamendoHttp(connectTimeout));
    }

    /// <summary>The run's client id redaction, shared by the input that learns the id and every step that reports.</summary>
    public static ClientIdRedaction Redaction(SharedResources resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return resources.GetOrCreate("jamendo:redaction", () => new ClientIdRedaction());
    }

    /// <inheritdoc/>
    public void Dispose() => Client.Dispose();
}

/// <summary>A failure worth retrying (HTTP 429 or 5xx, the API's rate limit, an over-quota empty page).</summary>
public sealed class JamendoTransientException : SpectroFlowException
{
    /// <summary>Creates the failure with the wait the server asked for, if any.</summary>
    public JamendoTransientException(string message, TimeSpan? retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the failure.</summary>
    public JamendoTransientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the failure.</summary>
    public JamendoTransientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the failure.</summary>
    public JamendoTransientException()
    {
    }

    /// <summary>How long the server asked to wait (Retry-After, or the quota back-off), or null for the usual back-off.</summary>
    public TimeSpan? RetryAfter { get; }
}

/// <summary>Retry settings shared by the input and the download step.</summary>
/// <param name="Retries">Retries after the first try.</param>
/// <param name="BaseDelay">The first back-off; doubled on each retry, with jitter.</param>
/// <param name="MaxWait">The longest single wait (caps Retry-After and the exponential back-off).</param>
/// <param name="Timeout">Connect timeout and read (idle) timeout of each try.</param>
public sealed record JamendoRetry(int Retries, TimeSpan BaseDelay, TimeSpan MaxWait, TimeSpan Timeout)
{
    /// <summary>Tries in all.</summary>
    public int Tries => Retries + 1;

    /// <summary><c>1 try</c>, <c>7 tries</c>.</summary>
    public string TriesText => Tries == 1 ? "1 try" : string.Create(CultureInfo.InvariantCulture, $"{Tries} tries");

    /// <summary>Whether <paramref name="exception"/> is worth another try.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is JamendoTransientException or HttpRequestException or IOException or TimeoutException;

    /// <summary>A short description of a transient failure for the final message.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            JamendoTransientException or TimeoutException => exception.Message,
            HttpRequestException http => $"connection failed ({OneLine(http.Message)})",
            _ => $"connection broken ({OneLine(exception.Message)})",
        };
    }

    /// <summary>How long a 429 asks to wait (<c>Retry-After</c> seconds or date), capped at <see cref="MaxWait"/>.</summary>
    public TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        TimeSpan? wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        if (wait is null)
        {
            return null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero : (wait.Value > MaxWait ? MaxWait : wait.Value);
    }

    /// <summary>
    /// The retry pipeline: exponential back-off with jitter from <see cref="BaseDelay"/> (a server's requested wait when
    /// given), retrying only <see cref="IsTransient"/> failures; each retry is reported to <paramref name="onRetry"/>.
    /// </summary>
    public ResiliencePipeline Build(Action<int, Exception> onRetry)
    {
        ArgumentNullException.ThrowIfNull(onRetry);
        if (Retries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        TimeSpan maxWait = MaxWait < BaseDelay ? BaseDelay : MaxWait;
        var options = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = Retries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = BaseDelay,
            MaxDelay = maxWait,
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is JamendoTransientException { RetryAfter: { } wait } ? (TimeSpan?)wait : null),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } exception)
                {
                    onRetry(args.AttemptNumber + 1, exception);
                }

                return ValueTask.CompletedTask;
            },
        };
        return new ResiliencePipelineBuilder().AddRetry(options).Build();
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
