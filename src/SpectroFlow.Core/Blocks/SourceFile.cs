namespace SpectroFlow.Core.Blocks;

/// <summary>A file matched by an input (not yet read): what a folder source emits and a decode block consumes.</summary>
/// <param name="FullPath">Absolute path.</param>
/// <param name="RelativePath">Path relative to the input folder, '/' separated (the item's stable key).</param>
public sealed record SourceFile(string FullPath, string RelativePath)
{
    /// <inheritdoc/>
    public override string ToString() => RelativePath;
}
