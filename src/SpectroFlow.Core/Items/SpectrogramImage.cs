using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Spectrograms;

namespace SpectroFlow.Core.Items;

/// <summary>
/// A spectrogram as an 8-bit RGB picture, independent of any imaging library: row 0 is the top row (highest mel
/// bin), column t is STFT frame t. Pixels are interleaved R, G, B (3 bytes per pixel, rows without padding).
/// </summary>
public sealed class SpectrogramImage : IHasFormat
{
    /// <summary>Wraps an RGB24 buffer of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    public SpectrogramImage(int width, int height, byte[] rgb, SpectrogramParams parameters, double? maxValue = null, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentNullException.ThrowIfNull(parameters);
        if (rgb.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"An RGB image of {width}x{height} needs {width * height * 3} bytes, got {rgb.Length}.", nameof(rgb));
        }

        Width = width;
        Height = height;
        Rgb = rgb;
        Parameters = parameters;
        MaxValue = maxValue;
        Name = name ?? string.Empty;
    }

    /// <summary>Columns (STFT frames).</summary>
    public int Width { get; }

    /// <summary>Rows (mel bins).</summary>
    public int Height { get; }

    /// <summary>Interleaved RGB bytes, row 0 = top.</summary>
    public byte[] Rgb { get; }

    /// <summary>The parameters stored with the image (from EXIF, or the defaults when it has none).</summary>
    public SpectrogramParams Parameters { get; }

    /// <summary>The largest mel amplitude before quantisation (EXIF MAX_VALUE), when known.</summary>
    public double? MaxValue { get; }

    /// <summary>A label for messages: the source file, possibly empty.</summary>
    public string Name { get; }

    /// <summary>Returns the byte of channel <paramref name="channel"/> (0 R, 1 G, 2 B) at (<paramref name="row"/>, <paramref name="column"/>).</summary>
    public byte this[int row, int column, int channel] => Rgb[(row * Width + column) * 3 + channel];

    /// <summary>The same pixels with other parameters (e.g. command-line overrides of the EXIF values).</summary>
    public SpectrogramImage WithParameters(SpectrogramParams parameters) => new(Width, Height, Rgb, parameters, MaxValue, Name);

    /// <inheritdoc />
    public override string ToString() => $"{(Name.Length > 0 ? Name : "image")} ({Width}x{Height})";

    /// <inheritdoc/>
    public PayloadFormat Format => new(Parameters.SampleRate, Parameters.Stereo ? 2 : 1, Parameters);
}
