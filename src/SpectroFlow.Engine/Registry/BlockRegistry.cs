using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Registry;

/// <summary>
/// The blocks and sources a recipe may use, registered explicitly (no assembly scanning): one line per block, e.g.
/// <c>registry.Add("mel", (MelOptions o, BlockServices s) =&gt; new MelBlock(o), "…")</c>. It is the
/// <see cref="IBlockCatalog"/> that domain modules register into.
/// </summary>
public sealed partial class BlockRegistry : IBlockCatalog
{
    private readonly Dictionary<string, BlockDescriptor> _blocks = new(StringComparer.Ordinal);

    /// <summary>Every registered block and source, by name.</summary>
    public IReadOnlyCollection<BlockDescriptor> All => [.. _blocks.Values.OrderBy(b => b.Name, StringComparer.Ordinal)];

    /// <summary>The descriptor for <paramref name="name"/>, or null.</summary>
    public BlockDescriptor? Find(string name) => _blocks.GetValueOrDefault(name);

    /// <inheritdoc/>
    public IBlockCatalog Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Transform, kind, typeof(TOptions), [new BlockPort("in", typeof(TIn))], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Transform = static async (block, payload, context, ct) => await ((IBlock<TIn, TOut>)block).ProcessAsync((TIn)payload, context, ct).ConfigureAwait(false),
        });
    }

    /// <inheritdoc/>
    public IBlockCatalog Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IExpandingBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Expanding, kind, typeof(TOptions), [new BlockPort("in", typeof(TIn))], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Expand = static (block, payload, context, ct) => Box(((IExpandingBlock<TIn, TOut>)block).ExpandAsync((TIn)payload, context, ct), ct),
        });
    }

    /// <inheritdoc/>
    public IBlockCatalog AddFilter<TOptions, T>(string name, Func<TOptions, BlockServices, IExpandingBlock<T, T>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Expanding, kind, typeof(TOptions), [new BlockPort("in", typeof(T))], typeof(T), (o, s) => factory((TOptions)o, s))
        {
            Expand = static (block, payload, context, ct) => Box(((IExpandingBlock<T, T>)block).ExpandAsync((T)payload, context, ct), ct),
            PassesItemThrough = true,
        });
    }

    /// <inheritdoc/>
    public IBlockCatalog AddPair<TOptions, TA, TB, TOut>(string name, Func<TOptions, BlockServices, IPairBlock<TA, TB, TOut>> factory, string description, string firstPort = "a", string secondPort = "b", ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TA : notnull
        where TB : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckPorts(name, firstPort, secondPort);
        return Register(new BlockDescriptor(name, description, BlockShape.Pair, kind, typeof(TOptions), [new BlockPort(firstPort, typeof(TA)), new BlockPort(secondPort, typeof(TB))], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Pair = static async (block, a, b, context, ct) =>
                await ((IPairBlock<TA, TB, TOut>)block).ProcessAsync(new Part<TA>(a, (TA)a.Payload), new Part<TB>(b, (TB)b.Payload), context, ct).ConfigureAwait(false),
        });
    }

    /// <inheritdoc/>
    public IBlockCatalog AddExpandingPair<TOptions, TA, TB, TOut>(string name, Func<TOptions, BlockServices, IExpandingPairBlock<TA, TB, TOut>> factory, string description, string firstPort = "a", string secondPort = "b", ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TA : notnull
        where TB : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckPorts(name, firstPort, secondPort);
        return Register(new BlockDescriptor(name, description, BlockShape.Pair, kind, typeof(TOptions), [new BlockPort(firstPort, typeof(TA)), new BlockPort(secondPort, typeof(TB))], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            ExpandPair = static (block, a, b, context, ct) =>
                Box(((IExpandingPairBlock<TA, TB, TOut>)block).ExpandAsync(new Part<TA>(a, (TA)a.Payload), new Part<TB>(b, (TB)b.Payload), context, ct), ct),
        });
    }

    private static void CheckPorts(string name, string firstPort, string secondPort)
    {
        if (!KebabName().IsMatch(firstPort) || !KebabName().IsMatch(secondPort) || firstPort == secondPort)
        {
            throw new ArgumentException($"Block '{name}' needs two different kebab-case port names, not '{firstPort}' and '{secondPort}'.", nameof(secondPort));
        }
    }

    /// <inheritdoc/>
    public IBlockCatalog AddGroup<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IGroupBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Group, kind, typeof(TOptions), [new BlockPort("in", typeof(TIn))], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Group = static async (block, parts, context, ct) =>
                await ((IGroupBlock<TIn, TOut>)block).ProcessAsync(Typed<TIn>(parts, ct), context, ct).ConfigureAwait(false),
        });
    }

    /// <inheritdoc/>
    public IBlockCatalog AddSource<TOptions, TOut>(string name, Func<TOptions, BlockServices, IItemSource<TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Io)
        where TOptions : class, IBlockOptions
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Source, kind, typeof(TOptions), [], typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Read = static (source, run, ct) => Box(((IItemSource<TOut>)source).ReadAsync(run, ct), ct),
        });
    }

    private BlockRegistry Register(BlockDescriptor descriptor)
    {
        if (!KebabName().IsMatch(descriptor.Name))
        {
            throw new ArgumentException($"Block name '{descriptor.Name}' must be kebab-case (e.g. mel-spectrogram).", nameof(descriptor));
        }

        if (string.IsNullOrWhiteSpace(descriptor.Description))
        {
            throw new ArgumentException($"Block '{descriptor.Name}' needs a description.", nameof(descriptor));
        }

        if (descriptor.OptionsType.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new ArgumentException($"Options class {descriptor.OptionsType.Name} needs a public parameterless constructor.", nameof(descriptor));
        }

        if (!_blocks.TryAdd(descriptor.Name, descriptor))
        {
            throw new ArgumentException($"Block '{descriptor.Name}' is registered twice.", nameof(descriptor));
        }

        return this;
    }

    private static async IAsyncEnumerable<SourceItem<object>> Box<T>(IAsyncEnumerable<SourceItem<T>> items, [EnumeratorCancellation] CancellationToken ct)
        where T : notnull
    {
        await foreach (SourceItem<T> item in items.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return new SourceItem<object>(item.Key, item.Payload, item.Metadata);
        }
    }

    private static async IAsyncEnumerable<Part<T>> Typed<T>(IAsyncEnumerable<WorkItem> items, [EnumeratorCancellation] CancellationToken ct)
        where T : notnull
    {
        await foreach (WorkItem item in items.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return new Part<T>(item, (T)item.Payload);
        }
    }

    private static async IAsyncEnumerable<ItemOutput<object>> Box<T>(IAsyncEnumerable<ItemOutput<T>> outputs, [EnumeratorCancellation] CancellationToken ct)
        where T : notnull
    {
        await foreach (ItemOutput<T> output in outputs.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return new ItemOutput<object>(output.Payload, output.KeySuffix, output.Metadata);
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex KebabName();
}
