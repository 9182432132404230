using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Puts the items reaching one port of a combining step back into natural order: inputs in recipe order, source items
/// in the order they were admitted, each source item's items sorted by position, released once the source item is
/// complete at the step (no more of its items can arrive). Holds only what arrived ahead of its turn.
/// </summary>
internal sealed class Sequencer
{
    private readonly int[] _inputs;
    private readonly Dictionary<int, Queue<string>> _announced = [];
    private readonly HashSet<int> _listed = [];
    private readonly HashSet<string> _complete = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<WorkItem>> _held = new(StringComparer.Ordinal);
    private int _cursor;

    /// <param name="inputs">Step indices of the inputs that can reach the port, in recipe order.</param>
    public Sequencer(int[] inputs)
    {
        _inputs = inputs;
        foreach (int input in inputs)
        {
            _announced[input] = new Queue<string>();
        }
    }

    /// <summary>True once every input is listed and every item released.</summary>
    public bool Ended => _cursor >= _inputs.Length;

    /// <summary>Items currently held.</summary>
    public int Held { get; private set; }

    public bool Knows(int input) => _announced.ContainsKey(input);

    public void Announce(int input, string root) => _announced[input].Enqueue(root);

    public void Listed(int input) => _listed.Add(input);

    public void Add(WorkItem item)
    {
        string root = item.Roots[0];
        if (!_held.TryGetValue(root, out List<WorkItem>? list))
        {
            _held[root] = list = [];
        }

        list.Add(item);
        Held++;
    }

    public void Complete(string root) => _complete.Add(root);

    /// <summary>The items whose turn has come, in natural order; with <paramref name="flush"/>, everything held.</summary>
    public List<WorkItem> TakeReady(bool flush)
    {
        var ready = new List<WorkItem>();
        while (_cursor < _inputs.Length)
        {
            int input = _inputs[_cursor];
            Queue<string> queue = _announced[input];
            while (queue.Count > 0 && (flush || _complete.Contains(queue.Peek())))
            {
                string root = queue.Dequeue();
                _complete.Remove(root);
                if (_held.Remove(root, out List<WorkItem>? items))
                {
                    items.Sort(WorkItem.NaturalOrder);
                    ready.AddRange(items);
                    Held -= items.Count;
                }
            }

            if (queue.Count > 0 || !(flush || _listed.Contains(input)))
            {
                break;
            }

            _cursor++;
        }

        if (flush && _held.Count > 0)
        {
            List<WorkItem> rest = [.. _held.Values.SelectMany(l => l)];
            rest.Sort(WorkItem.NaturalOrder);
            ready.AddRange(rest);
            _held.Clear();
            Held = 0;
        }

        return ready;
    }
}
