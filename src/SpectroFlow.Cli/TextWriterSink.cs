using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SpectroFlow.Cli;

/// <summary>Writes log events to a <see cref="TextWriter"/> (stderr, or a test's buffer).</summary>
internal sealed class TextWriterSink(TextWriter writer, ITextFormatter formatter) : ILogEventSink
{
    private readonly object _lock = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            formatter.Format(logEvent, writer);
            writer.Flush();
        }
    }
}
