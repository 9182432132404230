using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Decodes formats without a managed decoder (FLAC, Opus, AAC, ...) by running the ffmpeg executable and reading
/// its 32-bit float WAV output from a pipe; nothing is written to disk.
/// </summary>
internal static class FfmpegDecoder
{
    private const int MaxErrorChars = 4000;

    // ffmpeg's exit status after SIGINT/SIGTERM ("Exiting normally, received signal 2").
    private const int InterruptedExitCode = 255;

    // How long an interrupted ffmpeg waits for the run's cancellation, which the same Ctrl+C triggers a moment later.
    private static readonly TimeSpan s_cancellationGrace = TimeSpan.FromSeconds(1);

    private static readonly Lazy<string?> s_setsid = new(() => FindOnPath("setsid"));

    /// <summary>The ffmpeg executable to run, or <see langword="null"/> when it is not installed.</summary>
    public static string? Locate(string? configuredPath)
    {
        if (configuredPath is not null)
        {
            return File.Exists(configuredPath) ? configuredPath : null;
        }

        return FindOnPath(OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg");
    }

    /// <summary>
    /// A process for <paramref name="executable"/>: run through <c>setsid</c> when it is installed, so the child is in a
    /// session of its own and a terminal's Ctrl+C (SIGINT to the foreground process group) reaches only SpectroFlow,
    /// which then stops the child itself.
    /// </summary>
    public static ProcessStartInfo StartInfo(string executable)
    {
        if (OperatingSystem.IsWindows() || s_setsid.Value is not { } setsid)
        {
            return new ProcessStartInfo(executable);
        }

        var startInfo = new ProcessStartInfo(setsid);
        startInfo.ArgumentList.Add("--wait");
        startInfo.ArgumentList.Add("--");
        startInfo.ArgumentList.Add(executable);
        return startInfo;
    }

    /// <summary>
    /// Throws <see cref="OperationCanceledException"/> when <paramref name="process"/> failed because the run is being
    /// cancelled: the token is cancelled, or ffmpeg was interrupted by a signal and the token is cancelled within a
    /// moment (the same Ctrl+C).
    /// </summary>
    public static void ThrowIfCancelled(Process process, CancellationToken cancellationToken)
    {
        if (!cancellationToken.IsCancellationRequested && process.HasExited && process.ExitCode == InterruptedExitCode && cancellationToken.CanBeCanceled)
        {
            _ = cancellationToken.WaitHandle.WaitOne(s_cancellationGrace);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private static string? FindOnPath(string executable)
    {
        string? searchPath = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(searchPath))
        {
            return null;
        }

        foreach (string directory in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string fullPath = Path.Combine(directory, executable);
            if (File.Exists(fullPath))
            {
                return fullPath;
            }
        }

        return null;
    }

    /// <summary>
    /// Starts ffmpeg on <paramref name="input"/> (from its start) or, when <paramref name="filePath"/> is given, on the
    /// file itself (which lets ffmpeg seek, e.g. in MP4 files whose index is at the end), and returns a reader of its
    /// output. The process is killed and reaped when the reader is disposed.
    /// </summary>
    public static AudioStreamReader Open(string ffmpeg, Stream input, string? filePath, string name, string formatName, CancellationToken cancellationToken)
    {
        ProcessStartInfo startInfo = StartInfo(ffmpeg);
        startInfo.RedirectStandardInput = filePath is null;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.CreateNoWindow = true;
        foreach (string argument in new[] { "-hide_banner", "-nostats", "-loglevel", "error" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (filePath is null)
        {
            startInfo.ArgumentList.Add("-i");
            startInfo.ArgumentList.Add("pipe:0");
        }
        else
        {
            startInfo.ArgumentList.Add("-nostdin");
            startInfo.ArgumentList.Add("-i");
            startInfo.ArgumentList.Add("file:" + Path.GetFullPath(filePath));
        }

        foreach (string argument in new[] { "-map", "0:a:0", "-vn", "-c:a", "pcm_f32le", "-f", "wav", "pipe:1" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned null.");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw DecodeFailure.Create(name, $"{formatName} needs ffmpeg but '{ffmpeg}' could not be started: {ex.Message}", ex);
        }

        var reader = new Reader(process, name, formatName, cancellationToken);
        try
        {
            reader.Start(filePath is null ? input : null);
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static void Feed(Stream input, Stream ffmpegInput)
    {
        try
        {
            input.Position = 0;
            input.CopyTo(ffmpegInput);
        }
        catch (IOException)
        {
            // ffmpeg stopped reading (it failed, or was killed); its exit code and stderr tell the story.
        }
        finally
        {
            try
            {
                ffmpegInput.Dispose();
            }
            catch (IOException)
            {
                // Broken pipe on close: same as above.
            }
        }
    }

    private static bool ExitedWithError(Process process)
    {
        process.WaitForExit(); // Its output is at end of stream, so it has finished or is finishing.
        return process.ExitCode != 0;
    }

    private static string? FirstLine(StringBuilder errorText)
    {
        lock (errorText)
        {
            string text = errorText.ToString();
            string? line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return line;
        }
    }

    /// <summary>Reads ffmpeg's float WAV output as it comes; stderr is drained in the background so ffmpeg never blocks on it.</summary>
    internal sealed class Reader(Process process, string name, string formatName, CancellationToken cancellationToken) : AudioStreamReader(name)
    {
        private readonly StringBuilder _errorText = new();
        private Task _feeder = Task.CompletedTask;
        private WavReader? _wav;

        public override int SampleRate => Wav.SampleRate;

        public override int ChannelCount => Wav.ChannelCount;

        private WavReader Wav => _wav ?? throw new InvalidOperationException("The ffmpeg reader has not started.");

        public void Start(Stream? input)
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (_errorText)
                    {
                        if (_errorText.Length < MaxErrorChars)
                        {
                            _errorText.AppendLine(e.Data);
                        }
                    }
                }
            };
            process.BeginErrorReadLine();
            if (input is not null)
            {
                Stream ffmpegInput = process.StandardInput.BaseStream;
                _feeder = Task.Run(() => Feed(input, ffmpegInput));
            }

            Stream output = process.StandardOutput.BaseStream;
            try
            {
                _wav = WavReader.Open(output, Name);
            }
            catch (Exception) when (output.ReadByte() < 0 && ExitedWithError(process))
            {
                // ffmpeg failed, so its output was empty or cut short: its own message is the useful one.
                throw Failure();
            }
        }

        protected override int ReadCore(float[][] destination, int offset, int frameCount)
        {
            int frames = Wav.Read(destination, offset, frameCount);
            if (frames == 0)
            {
                // The end of the audio: let ffmpeg finish writing whatever follows it, then a failure means the audio
                // was cut short.
                process.StandardOutput.BaseStream.CopyTo(Stream.Null);
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    throw Failure();
                }
            }

            return frames;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try
                {
                    if (!process.HasExited)
                    {
                        process.Kill(entireProcessTree: true);
                    }

                    process.WaitForExit();
                }
                catch (InvalidOperationException)
                {
                    // The process was never started or is already reaped.
                }

                _feeder.Wait();
                _wav?.Dispose();
                process.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>The process id of ffmpeg (tests interrupt it).</summary>
        public int ProcessId => process.Id;

        private InvalidAudioException Failure()
        {
            // A child that died because the run is stopping (Ctrl+C) is a cancellation, not a broken file.
            ThrowIfCancelled(process, cancellationToken);
            return DecodeFailure.Create(Name, $"ffmpeg could not decode it as {formatName}: {FirstLine(_errorText) ?? $"exit code {process.ExitCode}"}");
        }
    }
}
