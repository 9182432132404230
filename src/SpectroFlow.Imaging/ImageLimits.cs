namespace SpectroFlow.Imaging;

/// <summary>
/// Size limits checked from the image header before any pixel is decoded, so that a tiny file claiming huge
/// dimensions is refused instead of exhausting memory.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>The defaults: at most 1,000,000 px wide or high and 400 million pixels in all.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>Largest accepted width in pixels.</summary>
    public int MaxWidth { get; init; } = 1_000_000;

    /// <summary>Largest accepted height in pixels.</summary>
    public int MaxHeight { get; init; } = 1_000_000;

    /// <summary>Largest accepted width x height.</summary>
    public long MaxPixels { get; init; } = 400_000_000;
}
