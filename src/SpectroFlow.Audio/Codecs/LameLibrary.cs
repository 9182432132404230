using System.Runtime.InteropServices;
using SpectroFlow.Core.Errors;

namespace SpectroFlow.Audio.Codecs;

/// <summary>
/// The entry points of libmp3lame (LAME 3.100), bound at run time with <see cref="NativeLibrary"/> so that a missing
/// library is reported as a <see cref="NativeLibraryMissingException"/> when MP3 output is first requested, never at start-up.
/// </summary>
internal sealed unsafe class LameLibrary
{
    public const string DefaultLibraryName = "libmp3lame.so.0";
    public const string AptPackage = "libmp3lame0";
    public const string Alternative = "WAV output works without it; write .wav instead";

    private static readonly Lock s_loadLock = new();
    private static LameLibrary? s_default;

    private LameLibrary(nint handle)
    {
        Init = (delegate* unmanaged[Cdecl]<nint>)NativeLibrary.GetExport(handle, "lame_init");
        SetNumChannels = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_num_channels");
        SetInSampleRate = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_in_samplerate");
        SetOutSampleRate = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_out_samplerate");
        GetOutSampleRate = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "lame_get_out_samplerate");
        GetBitrate = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "lame_get_brate");
        SetBitrate = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_brate");
        SetMode = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_mode");
        SetQuality = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_quality");
        SetVbr = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_VBR");
        SetWriteVbrTag = (delegate* unmanaged[Cdecl]<nint, int, int>)NativeLibrary.GetExport(handle, "lame_set_bWriteVbrTag");
        InitParams = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "lame_init_params");
        EncodeBufferIeeeFloat = (delegate* unmanaged[Cdecl]<nint, float*, float*, int, byte*, int, int>)NativeLibrary.GetExport(handle, "lame_encode_buffer_ieee_float");
        EncodeFlush = (delegate* unmanaged[Cdecl]<nint, byte*, int, int>)NativeLibrary.GetExport(handle, "lame_encode_flush");
        GetLameTagFrame = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint>)NativeLibrary.GetExport(handle, "lame_get_lametag_frame");
        Close = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "lame_close");
    }

    /// <summary>lame_init: a new encoder context, or 0.</summary>
    public delegate* unmanaged[Cdecl]<nint> Init { get; }

    /// <summary>lame_set_num_channels.</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetNumChannels { get; }

    /// <summary>lame_set_in_samplerate.</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetInSampleRate { get; }

    /// <summary>lame_set_out_samplerate (0 lets LAME choose, and it lowers the rate for low bitrates).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetOutSampleRate { get; }

    /// <summary>lame_get_out_samplerate: the rate the file will have (after lame_init_params).</summary>
    public delegate* unmanaged[Cdecl]<nint, int> GetOutSampleRate { get; }

    /// <summary>lame_get_brate: the bitrate the file will have in kbit/s (after lame_init_params).</summary>
    public delegate* unmanaged[Cdecl]<nint, int> GetBitrate { get; }

    /// <summary>lame_set_brate (kbit/s).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetBitrate { get; }

    /// <summary>lame_set_mode (0 stereo, 1 joint stereo, 3 mono).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetMode { get; }

    /// <summary>lame_set_quality (0 best .. 9 fastest).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetQuality { get; }

    /// <summary>lame_set_VBR (0 = vbr_off, i.e. CBR).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetVbr { get; }

    /// <summary>lame_set_bWriteVbrTag (1 = reserve a Xing/Info + LAME tag frame with gapless information).</summary>
    public delegate* unmanaged[Cdecl]<nint, int, int> SetWriteVbrTag { get; }

    /// <summary>lame_init_params: negative on an impossible configuration.</summary>
    public delegate* unmanaged[Cdecl]<nint, int> InitParams { get; }

    /// <summary>lame_encode_buffer_ieee_float: planar floats at full scale 1.0; returns bytes written or a negative error.</summary>
    public delegate* unmanaged[Cdecl]<nint, float*, float*, int, byte*, int, int> EncodeBufferIeeeFloat { get; }

    /// <summary>lame_encode_flush: returns bytes written or a negative error.</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, int, int> EncodeFlush { get; }

    /// <summary>lame_get_lametag_frame: the final content of the first (tag) frame; returns its size.</summary>
    public delegate* unmanaged[Cdecl]<nint, byte*, nuint, nuint> GetLameTagFrame { get; }

    /// <summary>lame_close.</summary>
    public delegate* unmanaged[Cdecl]<nint, int> Close { get; }

    /// <summary>The system's libmp3lame.so.0, loaded once.</summary>
    /// <exception cref="NativeLibraryMissingException">The library (or one of its functions) is not available.</exception>
    public static LameLibrary Default
    {
        get
        {
            lock (s_loadLock)
            {
                return s_default ??= Load(DefaultLibraryName);
            }
        }
    }

    /// <summary>Loads <paramref name="libraryName"/> and binds the entry points.</summary>
    /// <exception cref="NativeLibraryMissingException">The library (or one of its functions) is not available.</exception>
    public static LameLibrary Load(string libraryName)
    {
        if (!NativeLibrary.TryLoad(libraryName, out nint handle))
        {
            throw new NativeLibraryMissingException(libraryName, AptPackage, Alternative);
        }

        try
        {
            return new LameLibrary(handle);
        }
        catch (EntryPointNotFoundException ex)
        {
            NativeLibrary.Free(handle);
            throw new NativeLibraryMissingException(libraryName, AptPackage, Alternative, ex);
        }
    }
}
