namespace SpectroFlow.Imaging.Exif;

/// <summary>Riffusion's custom EXIF tags (IFD0), as <c>SpectrogramParams.ExifTags</c> defines them.</summary>
public enum RiffusionExifTag
{
    /// <summary>SAMPLE_RATE, Hz (SHORT, or LONG above 65535).</summary>
    SampleRate = 11000,

    /// <summary>STEREO, 0 or 1 (SHORT).</summary>
    Stereo = 11005,

    /// <summary>STEP_SIZE_MS (SHORT).</summary>
    StepSizeMs = 11010,

    /// <summary>WINDOW_DURATION_MS (SHORT).</summary>
    WindowDurationMs = 11020,

    /// <summary>PADDED_DURATION_MS (SHORT).</summary>
    PaddedDurationMs = 11030,

    /// <summary>NUM_FREQUENCIES, the number of mel bins = image height (SHORT).</summary>
    NumFrequencies = 11040,

    /// <summary>MIN_FREQUENCY, Hz (SHORT).</summary>
    MinFrequency = 11050,

    /// <summary>MAX_FREQUENCY, Hz (SHORT).</summary>
    MaxFrequency = 11060,

    /// <summary>POWER_FOR_IMAGE (DOUBLE).</summary>
    PowerForImage = 11070,

    /// <summary>MAX_VALUE, the per-image max mel amplitude (DOUBLE); written but never read back by Riffusion.</summary>
    MaxValue = 11080,
}
