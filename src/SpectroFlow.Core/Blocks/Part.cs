namespace SpectroFlow.Core.Blocks;

/// <summary>One item as a pair or group block receives it: the item (key, metadata, ancestry) and its typed payload.</summary>
/// <typeparam name="T">Payload type of the port.</typeparam>
/// <param name="Item">The item.</param>
/// <param name="Payload">Its payload, already of the port's type.</param>
public readonly record struct Part<T>(WorkItem Item, T Payload);
