using System.Collections.Concurrent;

namespace SpectroFlow.Core.Blocks;

/// <summary>
/// Long-lived objects shared by blocks and items of one run (an ONNX session, an HTTP client, a model cache).
/// Created once on first use, disposed by the engine at the end of the run in reverse creation order.
/// </summary>
public sealed class SharedResources : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<object>> _resources = new(StringComparer.Ordinal);
    private readonly List<object> _created = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Returns the resource named <paramref name="name"/>, creating it with <paramref name="factory"/> once.</summary>
    /// <exception cref="ObjectDisposedException">The run has ended.</exception>
    /// <exception cref="InvalidCastException">The name is already used for another type.</exception>
    public T GetOrCreate<T>(string name, Func<T> factory)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Lazy<object> lazy = _resources.GetOrAdd(name, _ => new Lazy<object>(() =>
        {
            T value = factory();
            lock (_gate)
            {
                _created.Add(value);
            }

            return value;
        }, LazyThreadSafetyMode.ExecutionAndPublication));
        return (T)lazy.Value;
    }

    /// <summary>Number of resources created so far.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _created.Count;
            }
        }
    }

    /// <summary>Disposes every created resource, last created first.</summary>
    public async ValueTask DisposeAsync()
    {
        object[] created;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            created = [.. _created];
            _created.Clear();
        }

        for (int i = created.Length - 1; i >= 0; i--)
        {
            switch (created[i])
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
