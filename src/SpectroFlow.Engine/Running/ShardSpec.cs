using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Engine.Running;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/>: selects source items by a stable hash of their key (never by arrival
/// order), so N shard runs are disjoint and together cover the unsharded run.
/// </summary>
/// <param name="Index">Zero-based shard index.</param>
/// <param name="Count">Number of shards (at least 1).</param>
public sealed record ShardSpec(int Index, int Count)
{
    /// <summary>True when the item with <paramref name="key"/> belongs to this shard.</summary>
    public bool Contains(string key) => Bucket(key, Count) == Index;

    /// <summary>The shard (0..count-1) of <paramref name="key"/>: first 8 bytes of SHA-256 of its UTF-8 bytes, mod count.</summary>
    public static int Bucket(string key, int count)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        ulong value = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash);
        return (int)(value % (ulong)count);
    }

    /// <summary>Parses <c>i/N</c> (zero-based i).</summary>
    /// <exception cref="RecipeException">Not of the form i/N with 0 ≤ i &lt; N.</exception>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            return Create(index, count, text);
        }

        throw new RecipeException($"--shard '{text}': expected i/N, e.g. 0/4");
    }

    /// <summary>
    /// The shard from the environment: <c>JOB_COMPLETION_INDEX</c> (Kubernetes Indexed Job) with the count from
    /// <paramref name="countOverride"/> or <c>SPECTROFLOW_SHARD_COUNT</c>, else <c>SLURM_ARRAY_TASK_ID</c> with
    /// <c>SLURM_ARRAY_TASK_COUNT</c> (ids offset by <c>SLURM_ARRAY_TASK_MIN</c> when set); null when none is set.
    /// </summary>
    public static ShardSpec? FromEnvironment(Func<string, string?> environment, int? countOverride = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } k8sIndex)
        {
            string? count = countOverride?.ToString(CultureInfo.InvariantCulture) ?? environment("SPECTROFLOW_SHARD_COUNT");
            return count is null
                ? throw new RecipeException("JOB_COMPLETION_INDEX is set: give the shard count with --shard-count or SPECTROFLOW_SHARD_COUNT")
                : Parse($"{k8sIndex}/{count}");
        }

        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } slurmId)
        {
            string? count = countOverride?.ToString(CultureInfo.InvariantCulture) ?? environment("SLURM_ARRAY_TASK_COUNT");
            if (count is null)
            {
                throw new RecipeException("SLURM_ARRAY_TASK_ID is set: give the shard count with --shard-count or SLURM_ARRAY_TASK_COUNT");
            }

            int min = int.TryParse(environment("SLURM_ARRAY_TASK_MIN"), NumberStyles.None, CultureInfo.InvariantCulture, out int m) ? m : 0;
            int id = int.TryParse(slurmId, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : -1;
            return Parse($"{(id < 0 ? slurmId : (id - min).ToString(CultureInfo.InvariantCulture))}/{count}");
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    private static ShardSpec Create(int index, int count, string text) =>
        count < 1 || index < 0 || index >= count
            ? throw new RecipeException($"shard '{text}': need 0 <= i < N and N >= 1")
            : new ShardSpec(index, count);
}
