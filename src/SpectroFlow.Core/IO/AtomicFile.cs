namespace SpectroFlow.Core.IO;

/// <summary>
/// Writes files so that readers (and re-runs after a crash or kill -9) only ever see complete outputs: the content
/// goes to a temporary name in the same folder, then is renamed over the target. The rename is atomic, so a killed
/// process leaves either the old file or the new one, never half of it. With the environment variable
/// <c>SPECTROFLOW_FSYNC=1</c> every file is also flushed to the device before the rename, for outputs that must survive a
/// power loss (it costs a few milliseconds per file).
/// </summary>
public static class AtomicFile
{
    /// <summary>The suffix of in-progress temporary files; anything ending in it can be deleted safely.</summary>
    public const string TemporarySuffix = ".partial";

    /// <summary>Whether writes are flushed to the device before the rename: read once from <c>SPECTROFLOW_FSYNC</c>.</summary>
    public static bool Durable { get; } = Environment.GetEnvironmentVariable("SPECTROFLOW_FSYNC") == "1";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the target is untouched and the temporary file removed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TemporarySuffix}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: Durable);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Writes all of <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>
    /// Deletes temporary files under <paramref name="directory"/> left by writers that were killed (their process no
    /// longer runs), so an interrupted run leaves nothing behind once it is re-run. Files of live processes (another
    /// shard writing into the same folder) are kept. Returns how many were deleted.
    /// </summary>
    public static int DeleteAbandonedTemporaries(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        int deleted = 0;
        foreach (string path in Directory.EnumerateFiles(directory, "." + "*" + TemporarySuffix, SearchOption.AllDirectories))
        {
            // Name: .{target}.{pid}.{guid}.partial
            string[] parts = Path.GetFileName(path).Split('.');
            if (parts.Length >= 4 && int.TryParse(parts[^3], out int pid) && !IsRunning(pid))
            {
                TryDelete(path);
                deleted++;
            }
        }

        return deleted;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary name is unique and ignored by readers.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
