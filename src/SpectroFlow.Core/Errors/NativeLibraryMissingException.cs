namespace SpectroFlow.Core.Errors;

/// <summary>
/// A native library that an optional feature needs is not installed. The message names the library, the Debian
/// package that provides it, and what works without it.
/// </summary>
public sealed class NativeLibraryMissingException : SpectroFlowException
{
    /// <summary>Creates the error for <paramref name="library"/> (e.g. libmp3lame.so.0) provided by <paramref name="aptPackage"/>.</summary>
    public NativeLibraryMissingException(string library, string aptPackage, string alternative, Exception? innerException = null)
        : base($"{library} is not installed: run 'apt-get install {aptPackage}' ({alternative})", innerException)
    {
        Library = library;
        AptPackage = aptPackage;
    }

    /// <summary>Creates the error with no details (prefer the other constructor).</summary>
    public NativeLibraryMissingException()
    {
        Library = string.Empty;
        AptPackage = string.Empty;
    }

    /// <summary>Creates the error with a message (prefer the other constructor).</summary>
    public NativeLibraryMissingException(string message)
        : base(message)
    {
        Library = string.Empty;
        AptPackage = string.Empty;
    }

    /// <summary>Creates the error with a message and cause (prefer the other constructor).</summary>
    public NativeLibraryMissingException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Library = string.Empty;
        AptPackage = string.Empty;
    }

    /// <summary>The shared-object name that could not be loaded.</summary>
    public string Library { get; }

    /// <summary>The Debian package that provides <see cref="Library"/>.</summary>
    public string AptPackage { get; }
}
