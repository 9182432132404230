using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using SpectroFlow.Core.Errors;
using SpectroFlow.Core.Items;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// Encodes FLAC and Ogg Vorbis with the ffmpeg executable: the clip goes to ffmpeg's standard input as WAV (16-bit PCM
/// for FLAC, quantised exactly as <see cref="WavSampleFormat.Pcm16"/>; 32-bit float for Vorbis) and ffmpeg writes a
/// temporary file (FLAC's header is completed by seeking back), whose bytes are returned. Bit-exact flags keep the
/// output reproducible (no version strings, fixed Ogg serial numbers).
/// </summary>
internal static class FfmpegEncoder
{
    /// <summary>The Vorbis quality (libvorbis -q:a, 0-10): 6 is about 192 kbit/s for stereo 44.1 kHz.</summary>
    public const int VorbisQuality = 6;

    private const int MaxErrorChars = 2000;

    /// <summary>The output formats, by file extension: ffmpeg codec and muxer arguments, and the sample format fed to it.</summary>
    public static bool TryGetFormat(string extension, out string formatName) =>
        (formatName = extension.ToLowerInvariant() switch
        {
            ".flac" => "FLAC",
            ".ogg" => "Ogg Vorbis",
            _ => string.Empty,
        }).Length > 0;

    /// <summary>The one-line error for FLAC or Ogg output without ffmpeg.</summary>
    public static SpectroFlowException Missing(string target, string formatName) =>
        new($"Cannot write '{target}': {formatName} output needs ffmpeg (apt-get install ffmpeg); write .wav or .mp3 instead");

    /// <summary>Encodes <paramref name="clip"/> as FLAC (<c>.flac</c>) or Ogg Vorbis (<c>.ogg</c>) and returns the file's bytes.</summary>
    /// <param name="clip">The audio (at most 8 channels).</param>
    /// <param name="extension"><c>.flac</c> or <c>.ogg</c>.</param>
    /// <param name="target">The file name used in messages.</param>
    /// <param name="ffmpegPath">The ffmpeg executable; <see langword="null"/> searches the PATH.</param>
    /// <exception cref="SpectroFlowException">ffmpeg is missing or failed (one line naming <paramref name="target"/>).</exception>
    public static byte[] Encode(AudioClip clip, string extension, string target, string? ffmpegPath = null)
    {
        if (!TryGetFormat(extension, out string formatName))
        {
            throw new ArgumentException($"Unsupported ffmpeg output '{extension}'.", nameof(extension));
        }

        string ffmpeg = FfmpegDecoder.Locate(ffmpegPath) ?? throw Missing(target, formatName);
        bool flac = formatName == "FLAC";
        string temporary = Path.Combine(Path.GetTempPath(), $"spectroflow-{Environment.ProcessId}-{Guid.NewGuid():N}{extension}");
        try
        {
            Run(ffmpeg, clip, flac, temporary, target, formatName);
            return File.ReadAllBytes(temporary);
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: it is in the temp folder.
            }
        }
    }

    private static void Run(string ffmpeg, AudioClip clip, bool flac, string temporary, string target, string formatName)
    {
        ProcessStartInfo startInfo = FfmpegDecoder.StartInfo(ffmpeg);
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        startInfo.CreateNoWindow = true;
        string[] arguments = flac
            ? ["-c:a", "flac", "-f", "flac"]
            : ["-c:a", "libvorbis", "-q:a", VorbisQuality.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", "ogg"];
        foreach (string argument in (string[])["-hide_banner", "-nostats", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", .. arguments, "-y", temporary])
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
            throw new SpectroFlowException($"Cannot write '{target}': {formatName} output needs ffmpeg but '{ffmpeg}' could not be started: {ex.Message}", ex);
        }

        using (process)
        {
            var errors = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                lock (errors)
                {
                    if (e.Data is not null && errors.Length < MaxErrorChars)
                    {
                        errors.AppendLine(e.Data);
                    }
                }
            };
            process.BeginErrorReadLine();
            try
            {
                using Stream input = process.StandardInput.BaseStream;
                WavWriter.Write(input, clip, flac ? WavSampleFormat.Pcm16 : WavSampleFormat.Float32);
            }
            catch (IOException)
            {
                // ffmpeg stopped reading: its exit code and message below say why.
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string first;
                lock (errors)
                {
                    first = errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                        ?? $"exit code {process.ExitCode}";
                }

                throw new SpectroFlowException($"Cannot encode '{target}' as {formatName}: ffmpeg failed: {first}");
            }
        }
    }
}
