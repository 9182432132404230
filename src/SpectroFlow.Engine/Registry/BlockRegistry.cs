using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Engine.Registry;

/// <summary>
/// The blocks and sources a recipe may use, registered explicitly (no assembly scanning): one line per block, e.g.
/// <c>registry.Add("mel-spectrogram", (MelOptions o, BlockServices s) =&gt; new MelBlock(o), "…")</c>.
/// </summary>
public sealed partial class BlockRegistry : IBlockCatalog
{
    private readonly Dictionary<string, BlockDescriptor> _blocks = new(StringComparer.Ordinal);

    /// <summary>Every registered block and source, by name.</summary>
    public IReadOnlyCollection<BlockDescriptor> All => [.. _blocks.Values.OrderBy(b => b.Name, StringComparer.Ordinal)];

    /// <summary>The descriptor for <paramref name="name"/>, or null.</summary>
    public BlockDescriptor? Find(string name) => _blocks.GetValueOrDefault(name);

    /// <summary>Registers a one-in-one-out block.</summary>
    public BlockRegistry Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Transform, kind, typeof(TOptions), typeof(TIn), typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Transform = static async (block, payload, context, ct) => await ((IBlock<TIn, TOut>)block).ProcessAsync((TIn)payload, context, ct).ConfigureAwait(false),
        });
    }

    /// <summary>Registers a one-in-many-out block.</summary>
    public BlockRegistry Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IExpandingBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Expanding, kind, typeof(TOptions), typeof(TIn), typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Expand = static (block, payload, context, ct) => Box(((IExpandingBlock<TIn, TOut>)block).ExpandAsync((TIn)payload, context, ct), ct),
        });
    }

    /// <summary>Registers a stateful stream block (pairs, sequences, groups, crossfades).</summary>
    public BlockRegistry Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IStreamBlock<TIn, TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Cpu)
        where TOptions : class, IBlockOptions
        where TIn : notnull
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Stream, kind, typeof(TOptions), typeof(TIn), typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Stream = static (block, inputs, run, ct) => ((IStreamBlock<TIn, TOut>)block).ProcessAsync(inputs, run, ct),
        });
    }

    /// <summary>Registers an item source (used under <c>inputs:</c>).</summary>
    public BlockRegistry AddSource<TOptions, TOut>(string name, Func<TOptions, BlockServices, IItemSource<TOut>> factory, string description, ExecutionKind kind = ExecutionKind.Io)
        where TOptions : class, IBlockOptions
        where TOut : notnull
    {
        ArgumentNullException.ThrowIfNull(factory);
        return Register(new BlockDescriptor(name, description, BlockShape.Source, kind, typeof(TOptions), null, typeof(TOut), (o, s) => factory((TOptions)o, s))
        {
            Read = static (source, run, ct) => ((IItemSource<TOut>)source).ReadAsync(run, ct),
        });
    }

    /// <inheritdoc/>
    IBlockCatalog IBlockCatalog.Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IBlock<TIn, TOut>> factory, string description, ExecutionKind kind) =>
        Add(name, factory, description, kind);

    /// <inheritdoc/>
    IBlockCatalog IBlockCatalog.Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IExpandingBlock<TIn, TOut>> factory, string description, ExecutionKind kind) =>
        Add(name, factory, description, kind);

    /// <inheritdoc/>
    IBlockCatalog IBlockCatalog.Add<TOptions, TIn, TOut>(string name, Func<TOptions, BlockServices, IStreamBlock<TIn, TOut>> factory, string description, ExecutionKind kind) =>
        Add(name, factory, description, kind);

    /// <inheritdoc/>
    IBlockCatalog IBlockCatalog.AddSource<TOptions, TOut>(string name, Func<TOptions, BlockServices, IItemSource<TOut>> factory, string description, ExecutionKind kind) =>
        AddSource(name, factory, description, kind);

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
