using System.Diagnostics;
using SpectroFlow.Audio.Codecs;
using SpectroFlow.Core.Errors;
using SpectroFlow.TestKit;

namespace SpectroFlow.Audio.Tests.Codecs;

/// <summary>
/// A terminal's Ctrl+C must not turn the file being decoded by ffmpeg into a failure: ffmpeg runs in a session of its
/// own, and an ffmpeg that dies while the run is cancelling is a cancellation.
/// </summary>
public sealed class FfmpegCancellationTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Read_FfmpegInterruptedWhileTheRunIsCancelled_ThrowsOperationCanceledNotInvalidAudio()
    {
        using var cancellation = new CancellationTokenSource();
        using AudioStreamReader reader = OpenLongFlac(cancellation.Token, out int pid);

        Interrupt(pid);
        cancellation.Cancel();

        Action readToEnd = () => ReadToEnd(reader);
        readToEnd.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Read_FfmpegInterruptedWithoutCancellation_IsStillAFailureNamingTheFile()
    {
        using var cancellation = new CancellationTokenSource();
        using AudioStreamReader reader = OpenLongFlac(cancellation.Token, out int pid);

        Interrupt(pid);

        Action readToEnd = () => ReadToEnd(reader);
        readToEnd.Should().Throw<InvalidAudioException>().WithMessage("Cannot decode '*long.flac': ffmpeg could not decode it as FLAC: *");
    }

    [Fact]
    public void Open_Flac_RunsFfmpegInASessionOfItsOwn()
    {
        using AudioStreamReader reader = OpenLongFlac(CancellationToken.None, out int pid);

        Session(pid).Should().NotBe(Session(Environment.ProcessId), "the terminal's SIGINT goes to our process group only");
    }

    private AudioStreamReader OpenLongFlac(CancellationToken cancellationToken, out int pid)
    {
        string flac = Ffmpeg.Make(_directory, "long.flac", "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=120 -ac 2 -c:a flac");
        AudioStreamReader reader = AudioDecoder.Open(flac, new AudioDecodeOptions { CancellationToken = cancellationToken });
        float[][] buffer = [new float[44100], new float[44100]];
        reader.Read(buffer, 0, 44100).Should().BeGreaterThan(0);
        pid = reader.Should().BeOfType<FfmpegDecoder.Reader>().Subject.ProcessId;
        return reader;
    }

    private static void ReadToEnd(AudioStreamReader reader)
    {
        float[][] buffer = [new float[44100], new float[44100]];
        while (reader.Read(buffer, 0, 44100) > 0)
        {
        }
    }

    private static void Interrupt(int pid)
    {
        using Process kill = Process.Start("kill", ["-INT", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        kill.ExitCode.Should().Be(0);
    }

    /// <summary>The session id in /proc/PID/stat (the fourth field after the command name).</summary>
    private static string Session(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
    }
}
