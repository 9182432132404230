namespace SpectroFlow.Core.Blocks;

/// <summary>
/// One item a source yields: a stable key (e.g. the file's path relative to the input folder), the payload and scalar
/// metadata. The engine turns it into a <see cref="WorkItem"/> (ordinal in the listing, seed, ancestry, input id).
/// </summary>
/// <typeparam name="T">Payload type of the source.</typeparam>
/// <param name="Key">Stable key within the input; seeds, output names and the manifest are derived from it.</param>
/// <param name="Payload">The payload.</param>
/// <param name="Metadata">Scalar metadata (source path, tags…), or null.</param>
public sealed record SourceItem<T>(string Key, T Payload, IReadOnlyDictionary<string, object>? Metadata = null)
    where T : notnull;
