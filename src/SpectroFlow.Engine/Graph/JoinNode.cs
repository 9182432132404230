using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using System.Threading.Tasks.Dataflow;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Engine.Recipes;
using SpectroFlow.Engine.Registry;
using SpectroFlow.Engine.Running;

namespace SpectroFlow.Engine.Graph;

/// <summary>
/// Runs a pair or group step: one pump reads the step's inbox (items per port, and the run's signals: a source item
/// admitted, a source item complete at this step, a port finished) in order, forms pairs or groups by the step's
/// policy and hands them to workers (parallelism and capacity from the step). Items are held only until their
/// partners or their group are known; each is released (for the manifest and progress) after the last output made from
/// it has been sent on, so a source item is never finished while something built from it is still to be written.
/// </summary>
internal sealed class JoinNode : GraphNode
{
    private readonly Channel<Message> _inbox;
    private readonly ActionBlock<Func<Task>> _work;
    private readonly Sequencer?[] _sequencers;
    private readonly bool[] _portDone;
    private readonly Dictionary<string, Held>[] _byKey = [new(StringComparer.Ordinal), new(StringComparer.Ordinal)];
    private readonly Queue<Held>[] _zip = [new(), new()];
    private readonly List<Held> _ones = [];
    private readonly List<Held> _waitingForOne = [];
    private readonly Dictionary<string, List<WorkItem>> _groups = new(StringComparer.Ordinal);
    private Held? _previous;
    private string? _oneProblem;
    private Channel<Held>? _groupParts;
    private Task _pump = Task.CompletedTask;

    public JoinNode(PlannedStep step, int index, object block, RunState state, Sequencer?[] sequencers)
        : base(step, index, block, state)
    {
        _sequencers = sequencers;
        _portDone = new bool[Math.Max(1, step.Block.Ports.Count)];
        _inbox = Channel.CreateBounded<Message>(new BoundedChannelOptions(step.Capacity) { SingleReader = true });
        _work = new ActionBlock<Func<Task>>(job => job(), new ExecutionDataflowBlockOptions
        {
            MaxDegreeOfParallelism = step.Parallelism,
            BoundedCapacity = step.Capacity,
        });
    }

    public override Task Completion => _pump;

    private bool IsGroup => Step.Block.Shape == BlockShape.Group;

    private bool Ordered => Step.Pairing is Pairing.Zip || (Step.Grouping == Grouping.All && Step.Pairing is Pairing.Window or Pairing.None);

    public override void Start() => _pump = Task.Run(PumpAsync);

    public override async Task<bool> AcceptAsync(WorkItem item, int port, CancellationToken cancellationToken)
    {
        try
        {
            await _inbox.Writer.WriteAsync(new Message(item, port, null, -1), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    public override ValueTask PortCompletedAsync(int port) => SignalAsync(new Message(null, port, null, -2));

    public override void CompleteInput() => _inbox.Writer.TryComplete();

    /// <summary>A source item of input <paramref name="input"/> was admitted (its items may follow).</summary>
    public ValueTask AnnounceAsync(int input, string root) => SignalAsync(new Message(null, -1, root, input));

    /// <summary>Input <paramref name="input"/> has admitted all its source items.</summary>
    public ValueTask InputListedAsync(int input) => SignalAsync(new Message(null, -1, null, input));

    /// <summary>No more items of <paramref name="root"/> can arrive here.</summary>
    public ValueTask RootCompleteAsync(string root) => SignalAsync(new Message(null, -1, root, -1));

    /// <summary>True when this step needs the admissions of input <paramref name="input"/> to restore order.</summary>
    public bool Sequences(int input) => _sequencers.Any(s => s is not null && s.Knows(input));

    private async ValueTask SignalAsync(Message message)
    {
        try
        {
            await _inbox.Writer.WriteAsync(message).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            await ReadInboxAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // An engine fault here must not leave upstream steps waiting on a full inbox: they are declined from now on.
            _inbox.Writer.TryComplete(ex);
            throw;
        }
        finally
        {
            _work.Complete();
            await _work.Completion.ConfigureAwait(false);
        }
    }

    private async Task ReadInboxAsync()
    {
        if (IsGroup && Step.Grouping == Grouping.All)
        {
            _groupParts = Channel.CreateBounded<Held>(Step.Capacity);
            await _work.SendAsync(RunWholeGroupAsync).ConfigureAwait(false);
        }

        await foreach (Message message in _inbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (message.Item is { } item)
            {
                Counter.Received();
                if (State.Token.IsCancellationRequested)
                {
                    Counter.Cancelled();
                    await ReleaseAsync(item).ConfigureAwait(false);
                    continue;
                }

                await OnItemAsync(item, message.Port).ConfigureAwait(false);
            }
            else if (message.Input == -2)
            {
                _portDone[message.Port] = true;
                await OnPortDoneAsync(message.Port).ConfigureAwait(false);
            }
            else if (message.Input >= 0)
            {
                foreach (Sequencer? sequencer in _sequencers)
                {
                    if (sequencer is not null && sequencer.Knows(message.Input))
                    {
                        if (message.Root is { } root)
                        {
                            sequencer.Announce(message.Input, root);
                        }
                        else
                        {
                            sequencer.Listed(message.Input);
                        }
                    }
                }

                await ReleaseOrderedAsync(flush: false).ConfigureAwait(false);
            }
            else if (message.Root is { } completed)
            {
                await OnRootCompleteAsync(completed).ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
    }

    private async Task OnItemAsync(WorkItem item, int port)
    {
        if (Ordered)
        {
            _sequencers[port]!.Add(item);
            return;
        }

        switch (Step.Pairing)
        {
            case Pairing.ByKey:
                await MatchByKeyAsync(new Held(item), port).ConfigureAwait(false);
                break;
            case Pairing.EachWithOne:
                var held = new Held(item);
                if (port == Step.OnePort)
                {
                    _ones.Add(held);
                }
                else if (_portDone[Step.OnePort!.Value])
                {
                    await PairWithOneAsync(held).ConfigureAwait(false);
                }
                else
                {
                    _waitingForOne.Add(held);
                }

                break;
            default:
                // window or group within each source item: wait for the source item to be complete here
                string root = item.Roots[0];
                if (!_groups.TryGetValue(root, out List<WorkItem>? group))
                {
                    _groups[root] = group = [];
                }

                group.Add(item);
                break;
        }
    }

    private async Task OnRootCompleteAsync(string root)
    {
        if (Ordered)
        {
            foreach (Sequencer? sequencer in _sequencers)
            {
                sequencer?.Complete(root);
            }

            await ReleaseOrderedAsync(flush: false).ConfigureAwait(false);
        }
        else if (_groups.Remove(root, out List<WorkItem>? group))
        {
            await ProcessSourceGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task OnPortDoneAsync(int port)
    {
        if (Step.Pairing == Pairing.ByKey)
        {
            int other = 1 - port;
            foreach (Held unmatched in _byKey[other].Values.OrderBy(h => h.Item, WorkItem.NaturalOrder).ToList())
            {
                await FailAsync(unmatched, NoPartner(unmatched.Item, port)).ConfigureAwait(false);
            }

            _byKey[other].Clear();
        }
        else if (Step.Pairing == Pairing.EachWithOne && port == Step.OnePort)
        {
            string name = Step.Block.Ports[port].Name;
            if (_ones.Count != 1)
            {
                _oneProblem = _ones.Count == 0
                    ? $"no item reached '{name}', which pairing: each-with-one pairs with every item"
                    : string.Create(CultureInfo.InvariantCulture, $"'{name}' gave {_ones.Count} items; pairing: each-with-one needs exactly one");
                foreach (Held extra in _ones)
                {
                    await FailAsync(extra, _oneProblem).ConfigureAwait(false);
                }

                _ones.Clear();
            }

            foreach (Held waiting in _waitingForOne)
            {
                await PairWithOneAsync(waiting).ConfigureAwait(false);
            }

            _waitingForOne.Clear();
        }
    }

    private async Task MatchByKeyAsync(Held held, int port)
    {
        int other = 1 - port;
        string key = MatchKey(held.Item);
        if (_byKey[other].Remove(key, out Held? partner))
        {
            (Held a, Held b) = port == 0 ? (held, partner) : (partner, held);
            await SubmitPairAsync(a, b).ConfigureAwait(false);
            await DropAsync(a).ConfigureAwait(false);
            await DropAsync(b).ConfigureAwait(false);
        }
        else if (_portDone[other])
        {
            await FailAsync(held, NoPartner(held.Item, other)).ConfigureAwait(false);
        }
        else if (!_byKey[port].TryAdd(key, held))
        {
            await FailAsync(held, $"another item with key '{key}' already waits at '{Step.Block.Ports[port].Name}' ({_byKey[port][key].Item.Key}); by-key pairing needs one item per key and port").ConfigureAwait(false);
        }
    }

    private async Task PairWithOneAsync(Held held)
    {
        if (_oneProblem is not null)
        {
            await FailAsync(held, _oneProblem).ConfigureAwait(false);
            return;
        }

        Held one = _ones[0];
        (Held a, Held b) = Step.OnePort == 1 ? (held, one) : (one, held);
        await SubmitPairAsync(a, b, reference: one).ConfigureAwait(false);
        await DropAsync(held).ConfigureAwait(false);
    }

    private async Task ReleaseOrderedAsync(bool flush)
    {
        if (!Ordered)
        {
            return;
        }

        for (int port = 0; port < _sequencers.Length; port++)
        {
            if (_sequencers[port] is not { } sequencer)
            {
                continue;
            }

            foreach (WorkItem item in sequencer.TakeReady(flush))
            {
                await OnOrderedAsync(new Held(item), port).ConfigureAwait(false);
            }
        }

        if (Step.Pairing == Pairing.Zip)
        {
            for (int port = 0; port < 2; port++)
            {
                if ((flush || _sequencers[1 - port]!.Ended) && _zip[1 - port].Count == 0)
                {
                    while (_zip[port].TryDequeue(out Held? unmatched))
                    {
                        await FailAsync(unmatched, NoPartner(unmatched.Item, 1 - port)).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private async Task OnOrderedAsync(Held held, int port)
    {
        switch (Step.Pairing)
        {
            case Pairing.Zip:
                _zip[port].Enqueue(held);
                while (_zip[0].Count > 0 && _zip[1].Count > 0)
                {
                    Held a = _zip[0].Dequeue(), b = _zip[1].Dequeue();
                    await SubmitPairAsync(a, b).ConfigureAwait(false);
                    await DropAsync(a).ConfigureAwait(false);
                    await DropAsync(b).ConfigureAwait(false);
                }

                break;
            case Pairing.Window:
                if (_previous is { } previous)
                {
                    await SubmitPairAsync(previous, held).ConfigureAwait(false);
                    await DropAsync(previous).ConfigureAwait(false);
                }

                _previous = held;
                break;
            default:
                await _groupParts!.Writer.WriteAsync(held).ConfigureAwait(false);
                break;
        }
    }

    private async Task ProcessSourceGroupAsync(List<WorkItem> group)
    {
        group.Sort(WorkItem.NaturalOrder);
        if (Step.Pairing == Pairing.Window)
        {
            Held? previous = null;
            foreach (WorkItem item in group)
            {
                var held = new Held(item);
                if (previous is not null)
                {
                    await SubmitPairAsync(previous, held).ConfigureAwait(false);
                    await DropAsync(previous).ConfigureAwait(false);
                }

                previous = held;
            }

            if (previous is not null)
            {
                await DropAsync(previous).ConfigureAwait(false);
            }

            return;
        }

        Held[] parts = [.. group.Select(i => new Held(i))];
        await _work.SendAsync(() => RunGroupAsync(parts[0].Item.Roots[0], parts, ToAsync(parts))).ConfigureAwait(false);
    }

    private async Task FlushAsync()
    {
        await ReleaseOrderedAsync(flush: true).ConfigureAwait(false);
        if (_previous is { } last)
        {
            _previous = null;
            await DropAsync(last).ConfigureAwait(false);
        }

        foreach (string root in _groups.Keys.ToList())
        {
            await OnRootCompleteAsync(root).ConfigureAwait(false);
        }

        for (int port = 0; port < _portDone.Length; port++)
        {
            if (!_portDone[port])
            {
                _portDone[port] = true;
                await OnPortDoneAsync(port).ConfigureAwait(false);
            }
        }

        foreach (Held one in _ones)
        {
            await DropAsync(one).ConfigureAwait(false);
        }

        _ones.Clear();
        _groupParts?.Writer.TryComplete();
    }

    /// <summary>Hands a pair to the workers; the pair holds both parts until it is done.</summary>
    private async Task SubmitPairAsync(Held a, Held b, Held? reference = null)
    {
        a.Hold();
        b.Hold();
        await _work.SendAsync(async () =>
        {
            try
            {
                await RunPairAsync(a.Item, b.Item, reference?.Item).ConfigureAwait(false);
            }
            finally
            {
                await DropAsync(a).ConfigureAwait(false);
                await DropAsync(b).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private Task RunPairAsync(WorkItem a, WorkItem b, WorkItem? reference)
    {
        WorkItem[] parts = reference is null ? [a, b] : [reference == a ? b : a];
        WorkItem combined = WorkItem.Combine(a.Key + "+" + b.Key, a.Payload, parts, reference is null ? null : [reference], a.Metadata);
        var context = new BlockContext(State.Run, Step.Id, combined);
        return GuardAsync(
            async token =>
            {
                if (Step.Block.ExpandPair is { } expand)
                {
                    await EmitChildrenAsync(combined, expand(Block, a, b, context, token)).ConfigureAwait(false);
                    return;
                }

                object result = await Step.Block.Pair!(Block, a, b, context, token).ConfigureAwait(false);
                await EmitCombinedAsync(combined, result, context).ConfigureAwait(false);
            },
            () => combined);
    }

    /// <summary>Sends on each output of an expanding pair as a child of the combined item, as it is produced.</summary>
    private async Task EmitChildrenAsync(WorkItem combined, IAsyncEnumerable<ItemOutput<object>> outputs)
    {
        State.Tracker.Link(combined);
        int index = 0;
        await foreach (ItemOutput<object> produced in outputs.ConfigureAwait(false))
        {
            WorkItem child = combined.CreateChild(produced.KeySuffix ?? index.ToString(CultureInfo.InvariantCulture), produced.Payload, index);
            if (produced.Metadata is { Count: > 0 } metadata)
            {
                child = child.WithMetadata(metadata);
            }

            index++;
            await EmitAsync(child).ConfigureAwait(false);
        }

        Counter.Succeeded();
    }

    private async Task RunWholeGroupAsync()
    {
        var parts = new List<Held>();
        try
        {
            ChannelReader<Held> reader = _groupParts!.Reader;
            if (!await reader.WaitToReadAsync().ConfigureAwait(false) || !reader.TryRead(out Held? first))
            {
                return;
            }

            parts.Add(first);
            await RunGroupAsync(Step.Id, parts, Rest(first, reader, parts)).ConfigureAwait(false);
        }
        finally
        {
            // Parts the block did not read (it failed, stopped early or the run was cancelled) are taken to the end of the
            // stream and released too, so the pump never waits on a full channel nobody reads.
            await foreach (Held unread in _groupParts!.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                parts.Add(unread);
            }

            foreach (Held part in parts)
            {
                await DropAsync(part).ConfigureAwait(false);
            }
        }

        // What the block has read is kept without its payload: only its ancestry and metadata are needed for the output
        // and for releasing it, so a group over a whole run does not hold every image or clip in memory.
        static async IAsyncEnumerable<WorkItem> Rest(Held first, ChannelReader<Held> reader, List<Held> parts)
        {
            parts[0] = new Held(first.Item.WithPayload(PayloadReleased.Instance));
            yield return first.Item;
            await foreach (Held next in reader.ReadAllAsync().ConfigureAwait(false))
            {
                parts.Add(new Held(next.Item.WithPayload(PayloadReleased.Instance)));
                yield return next.Item;
            }
        }
    }

    private async Task RunGroupAsync(string key, IReadOnlyList<Held> parts, IAsyncEnumerable<WorkItem> items)
    {
        WorkItem first = parts[0].Item;
        var context = new BlockContext(State.Run, Step.Id, WorkItem.Combine(key, first.Payload, [first]));
        try
        {
            await GuardAsync(
                async token =>
                {
                    object result = await Step.Block.Group!(Block, items, context, token).ConfigureAwait(false);
                    WorkItem[] all = [.. parts.Select(p => p.Item)];
                    await EmitCombinedAsync(WorkItem.Combine(key, result, all, metadata: SharedMetadata(all)), result, context).ConfigureAwait(false);
                },
                () => WorkItem.Combine(key, first.Payload, [.. parts.Select(p => p.Item)])).ConfigureAwait(false);
        }
        finally
        {
            if (Step.Grouping == Grouping.Source)
            {
                foreach (Held part in parts)
                {
                    await DropAsync(part).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Runs one pair or group: cancelled when the run is (before or during), a failure becomes one error record for
    /// <paramref name="failedItem"/> and the run goes on.
    /// </summary>
    private async Task GuardAsync(Func<CancellationToken, Task> work, Func<WorkItem> failedItem)
    {
        CancellationToken token = State.Token;
        if (token.IsCancellationRequested)
        {
            Counter.Cancelled();
            return;
        }

        try
        {
            await work(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            Counter.Cancelled();
        }
#pragma warning disable CA1031 // a failed pair or group becomes an error record; the run goes on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Counter.Failed();
            State.Fail(Step.Id, failedItem(), RunState.OneLine(ex));
        }
    }

    private async Task EmitCombinedAsync(WorkItem combined, object result, BlockContext context)
    {
        WorkItem output = combined.WithPayload(result);
        if (context.OutputMetadata.Count > 0)
        {
            output = output.WithMetadata(context.OutputMetadata);
        }

        State.Tracker.Link(output);
        Counter.Succeeded();
        await EmitAsync(output).ConfigureAwait(false);
    }

    /// <summary>Metadata every part has with the same value (the song's, not one clip's).</summary>
    private static IEnumerable<KeyValuePair<string, object>> SharedMetadata(WorkItem[] parts)
    {
        foreach (KeyValuePair<string, object> pair in parts[0].Metadata)
        {
            bool shared = true;
            for (int i = 1; i < parts.Length && shared; i++)
            {
                shared = parts[i].Metadata.TryGetValue(pair.Key, out object? value) && Equals(value, pair.Value);
            }

            if (shared)
            {
                yield return pair;
            }
        }
    }

    private async Task FailAsync(Held held, string reason)
    {
        Counter.Failed();
        State.Fail(Step.Id, held.Item, reason);
        await DropAsync(held).ConfigureAwait(false);
    }

    private async Task DropAsync(Held held)
    {
        if (held.Drop())
        {
            await ReleaseAsync(held.Item).ConfigureAwait(false);
        }
    }

    private string NoPartner(WorkItem item, int otherPort) =>
        $"no partner at '{Step.Block.Ports[otherPort].Name}' for key '{MatchKey(item)}' (pairing: {RecipeGraph.Kebab(Step.Pairing)})";

    /// <summary>
    /// The key two streams are matched by: the source item's key within its input (without the input id) and the
    /// item's position below it, so <c>a/x.wav#2</c> matches <c>b/x.wav#2</c>.
    /// </summary>
    private static string MatchKey(WorkItem item)
    {
        string key = item.GetMetadata(WorkItem.Keys.InputKey, item.Roots[0]);
        for (int i = 1; i < item.Position.Length; i++)
        {
            key += "#" + item.Position[i].ToString(CultureInfo.InvariantCulture);
        }

        return key;
    }

#pragma warning disable CS1998 // a held group as the same async sequence a streamed group is
    private static async IAsyncEnumerable<WorkItem> ToAsync(IReadOnlyList<Held> parts, [EnumeratorCancellation] CancellationToken cancellationToken = default)
#pragma warning restore CS1998
    {
        foreach (Held part in parts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return part.Item;
        }
    }

    /// <summary>Stands for the payload of a part a group block has already read.</summary>
    private sealed class PayloadReleased
    {
        public static PayloadReleased Instance { get; } = new();
    }

    /// <summary>One inbox entry: an item for a port, or a signal (admitted, listed, complete, port done).</summary>
    private sealed record Message(WorkItem? Item, int Port, string? Root, int Input);

    /// <summary>An item held here, released once nothing here uses it any more.</summary>
    private sealed class Held(WorkItem item)
    {
        private int _uses = 1;

        public WorkItem Item { get; } = item;

        public void Hold() => Interlocked.Increment(ref _uses);

        /// <summary>One use ends; true when it was the last.</summary>
        public bool Drop() => Interlocked.Decrement(ref _uses) == 0;
    }
}
