using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.IO;
using SpectroFlow.Datasets.Jamendo;

namespace SpectroFlow.Datasets.Blocks;

/// <summary>Options of the <c>download</c> step.</summary>
[ProducesMetadata(WorkItem.Keys.SourcePath, DownloadBlock.Sha256Key)]
public sealed class DownloadOptions : IBlockOptions
{
    /// <summary>Folder under the output root the files go to (<c>{folder}/{jamendo_id}.{ext}</c>).</summary>
    [Description("Folder under the output root for the downloads ({folder}/{jamendo_id}.mp3|ogg|flac).")]
    public OutputPath Folder { get; init; } = new("downloads");

    /// <summary>Connect timeout and idle read timeout, in seconds.</summary>
    [Description("Connect timeout and idle read timeout (no byte for this long), in seconds.")]
    [Range(1, 3600)]
    public int TimeoutS { get; init; } = 30;

    /// <summary>Retries of a download that failed in a way worth retrying (cut short, 429, 5xx, network, timeout).</summary>
    [Description("Retries of a download that was cut short or failed in a way worth retrying (429, 5xx, network, timeout); a cut-short body resumes with a Range request.")]
    [Range(0, 100)]
    public int Retries { get; init; } = 6;

    /// <summary>First back-off in milliseconds, doubled on each retry, with jitter.</summary>
    [Description("First back-off in milliseconds, doubled on each retry, with jitter.")]
    [Range(0, 3_600_000)]
    public int RetryDelayMs { get; init; } = 1000;

    /// <inheritdoc/>
    public void Validate(ValidationErrors errors) => ArgumentNullException.ThrowIfNull(errors);
}

/// <summary>
/// Downloads a Jamendo track to <c>{folder}/{jamendo_id}.{ext}</c>: streamed to a temporary file, its length checked
/// against Content-Length, resumed with a Range request when cut short, decoded to its end and compared with the API's
/// duration (max(2 s, 3 %)), then renamed into place. A file already in place that decodes to the right duration is
/// kept (no download). A payload that does not decode fails that track only. Adds <c>source_path</c> and
/// <c>audio_sha256</c>.
/// </summary>
public sealed class DownloadBlock : IBlock<JamendoTrack, SourceFile>
{
    /// <summary>Metadata: SHA-256 of the downloaded file (lower-case hex).</summary>
    public const string Sha256Key = "audio_sha256";

    private readonly DownloadOptions _options;
    private readonly DatasetServices _services;
    private readonly JamendoHttp _http;
    private readonly ClientIdRedaction _redaction;
    private readonly JamendoRetry _retry;
    private readonly string _folder;

    /// <summary>Creates the step for one run.</summary>
    public DownloadBlock(DownloadOptions options, DatasetServices services, BlockServices blockServices)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(blockServices);
        _options = options;
        _services = services;
        _retry = new JamendoRetry(options.Retries, TimeSpan.FromMilliseconds(options.RetryDelayMs), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(options.TimeoutS));
        _http = JamendoHttp.Shared(blockServices.Resources, _retry.Timeout);
        _redaction = JamendoHttp.Redaction(blockServices.Resources);
        _folder = blockServices.Run.Resolve(options.Folder);
    }

    /// <inheritdoc/>
    public async ValueTask<SourceFile> ProcessAsync(JamendoTrack input, BlockContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (!input.HasValidId)
        {
            throw new SpectroFlowException(_redaction.Redact($"{input.Describe()}: invalid id"));
        }

        string fileName = $"{input.Id}.{JamendoSource.Extension(input.AudioFormat)}";
        string target = Path.Combine(_folder, fileName);
        if (!IsFinished(target, input, context, cancellationToken))
        {
            await DownloadAsync(input, target, context, cancellationToken).ConfigureAwait(false);
        }

        context.OutputMetadata[WorkItem.Keys.SourcePath] = target;
        context.OutputMetadata[Sha256Key] = await HashAsync(target, cancellationToken).ConfigureAwait(false);
        return new SourceFile(target, fileName);
    }

    private bool IsFinished(string target, JamendoTrack track, BlockContext context, CancellationToken cancellationToken)
    {
        if (!File.Exists(target))
        {
            return false;
        }

        string? problem = CheckDuration(target, Path.GetFileName(target), track, cancellationToken);
        if (problem is null)
        {
            return true;
        }

        context.Run.Log(_redaction.Redact($"{context.BlockId}: {track.Describe()}: the file in place is replaced ({problem})"));
        return false;
    }

    private async Task DownloadAsync(JamendoTrack track, string target, BlockContext context, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        string temporary = Path.Combine(_folder, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}{AtomicFile.TemporarySuffix}");
        try
        {
            Polly.ResiliencePipeline pipeline = _retry.Build((attempt, ex) => context.Run.Log(_redaction.Redact(
                $"{context.BlockId}: {track.Describe()}: {JamendoRetry.Describe(ex)}; retry {attempt} of {_retry.Retries}")));
            try
            {
                await pipeline.ExecuteAsync(token => new ValueTask(FetchAsync(track, temporary, token)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (JamendoRetry.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                throw new SpectroFlowException(_redaction.Redact($"{track.Describe()}: download failed after {_retry.TriesText}: {JamendoRetry.Describe(ex)}"));
            }

            if (CheckDuration(temporary, Path.GetFileName(target), track, cancellationToken) is { } problem)
            {
                throw new InvalidAudioException(_redaction.Redact($"{track.Describe()}: payload does not decode: {problem}"));
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    /// <summary>One try: continues <paramref name="temporary"/> with a Range request when it holds part of the body.</summary>
    private async Task FetchAsync(JamendoTrack track, string temporary, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_retry.Timeout);
        try
        {
            long have = File.Exists(temporary) ? new FileInfo(temporary).Length : 0;
            using var request = new HttpRequestMessage(HttpMethod.Get, track.AudioDownload);
            if (have > 0)
            {
                request.Headers.Range = new RangeHeaderValue(have, null);
            }

            using HttpResponseMessage response = await _http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, idle.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status == 429)
            {
                throw new JamendoTransientException("rate limited (HTTP 429)", _retry.RetryAfter(response));
            }

            if (status >= 500)
            {
                throw new JamendoTransientException($"HTTP {status} {response.ReasonPhrase}");
            }

            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The part on disk does not fit the file any more (it changed, or it was already whole): start again.
                File.Delete(temporary);
                throw new JamendoTransientException("the partial download does not match the file; starting again");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SpectroFlowException(_redaction.Redact($"{track.Describe()}: download failed: HTTP {status} {response.ReasonPhrase}"));
            }

            bool append = response.StatusCode == HttpStatusCode.PartialContent;
            if (append && response.Content.Headers.ContentRange is { From: { } from } && from != have)
            {
                File.Delete(temporary);
                throw new JamendoTransientException($"the server resumed at byte {from}, not {have}; starting again");
            }

            long start = append ? have : 0;
            long? length = response.Content.Headers.ContentLength;
            long? expected = length is { } l ? start + l : null;
            await using Stream body = await response.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
            await using var file = new FileStream(temporary, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            byte[] buffer = new byte[1 << 16];
            long written = start;
            while (true)
            {
                idle.CancelAfter(_retry.Timeout);
                int read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), idle.Token).ConfigureAwait(false);
                written += read;
            }

            if (expected is { } total && written != total)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"the body ended at byte {written} of {total}"));
            }

            if (written == 0)
            {
                throw new SpectroFlowException(_redaction.Redact($"{track.Describe()}: the server sent an empty file"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no data for {_retry.Timeout.TotalSeconds:0.###} s");
        }
    }

    /// <summary>Null when <paramref name="path"/> decodes to the API's duration (max(2 s, 3 %)), else the problem.</summary>
    /// <summary>Why the file at <paramref name="path"/> is not the track, or null; messages name it <paramref name="name"/> (never a temporary name).</summary>
    private string? CheckDuration(string path, string name, JamendoTrack track, CancellationToken cancellationToken)
    {
        double seconds;
        try
        {
            seconds = _services.ProbeDurationSeconds(path, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex.Message.ReplaceLineEndings(" ").Replace(path, name, StringComparison.Ordinal).Replace(Path.GetFileName(path), name, StringComparison.Ordinal);
        }

        if (track.DurationSeconds <= 0)
        {
            return seconds > 0 ? null : "it holds no audio";
        }

        double tolerance = Math.Max(2.0, 0.03 * track.DurationSeconds);
        return Math.Abs(seconds - track.DurationSeconds) <= tolerance
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"decoded {seconds:0.0} s, the API says {track.DurationSeconds} s");
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        byte[] hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(hash);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the name is a temporary one that readers ignore and the next run cleans up.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
