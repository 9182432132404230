namespace SpectroFlow.Core.Items;

/// <summary>
/// The result of a writer block: one complete output file (written atomically), for manifests, resume checks and
/// downstream steps that read files back.
/// </summary>
/// <param name="FullPath">Absolute path of the file.</param>
/// <param name="RelativePath">Path relative to the run's output root, with '/' separators (what manifests record).</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content.</param>
public sealed record WrittenFile(string FullPath, string RelativePath, long Length, string Sha256)
{
    /// <inheritdoc />
    public override string ToString() => RelativePath;
}
