using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using SpectroFlow.Core.Blocks;
using SpectroFlow.Core.Items;
using SpectroFlow.Engine.Registry;

namespace SpectroFlow.Engine.Tests;

public enum ToyMode
{
    Add,
    MultiplyThenAdd,
}

internal sealed class CountOptions : IBlockOptions
{
    [Range(0, 1_000_000)]
    public int Count { get; init; } = 10;

    public int DelayMs { get; init; }

    public void Validate(ValidationErrors errors)
    {
    }
}

internal sealed class AddOptions : IBlockOptions
{
    [Range(-1000, 1000)]
    public int Amount { get; init; } = 1;

    public double Scale { get; init; } = 1;

    public ToyMode Mode { get; init; }

    public bool Slow { get; init; }

    public int FailOn { get; init; } = -1;

    public int DelayMs { get; init; }

    /// <summary>A value that takes 300 ms (a late item); -1 for none.</summary>
    public int LateOn { get; init; } = -1;

    public void Validate(ValidationErrors errors)
    {
        if (Mode == ToyMode.MultiplyThenAdd && Scale == 0)
        {
            errors.Add("scale", "must not be 0 with mode multiply-then-add");
        }
    }
}

internal sealed class WriteOptions : IBlockOptions
{
    public required OutputPath Path { get; init; }

    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>Emits the numbers 0..count-1 with keys n0, n1, ….</summary>
internal sealed class CountSource(CountOptions options, Probe probe) : IItemSource<int>
{
    public async IAsyncEnumerable<SourceItem<int>> ReadAsync(RunContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < options.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (options.DelayMs > 0)
            {
                await Task.Delay(options.DelayMs, cancellationToken);
            }

            Interlocked.Increment(ref probe.Produced);
            yield return new SourceItem<int>("n" + i.ToString(CultureInfo.InvariantCulture), i);
        }
    }
}

internal sealed class AddBlock(AddOptions options, Probe probe) : IBlock<int, int>
{
    public async ValueTask<int> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken)
    {
        int now = Interlocked.Increment(ref probe.InFlight);
        probe.MaxInFlight = Math.Max(probe.MaxInFlight, now);
        try
        {
            probe.Seeds[context.Item.Key] = context.Seed;
            if (input == options.FailOn)
            {
                throw new InvalidDataException($"value {input} is cursed");
            }

            if (options.DelayMs > 0)
            {
                await Task.Delay(options.DelayMs, cancellationToken);
            }

            if (input == options.LateOn)
            {
                await Task.Delay(300, cancellationToken);
            }

            context.OutputMetadata["added"] = (long)options.Amount;
            probe.Arrivals.Enqueue(context.Item.Key);
            Interlocked.Increment(ref probe.Consumed);
            return options.Mode == ToyMode.Add ? input + options.Amount : (int)(input * options.Scale) + options.Amount;
        }
        finally
        {
            Interlocked.Decrement(ref probe.InFlight);
        }
    }
}

internal sealed class ToTextBlock : IBlock<int, string>
{
    public ValueTask<string> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(input.ToString(CultureInfo.InvariantCulture));
}

internal sealed class FileTextBlock : IBlock<SourceFile, string>
{
    public async ValueTask<string> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken) =>
        await File.ReadAllTextAsync(input.FullPath, cancellationToken).ConfigureAwait(false);
}

/// <summary>Splits n into n children 0..n-1 (so 0 produces none).</summary>
internal sealed class SplitBlock : IExpandingBlock<int, int>
{
    public async IAsyncEnumerable<ItemOutput<int>> ExpandAsync(int input, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < input; i++)
        {
            await Task.Yield();
            yield return new ItemOutput<int>(i, Metadata: new Dictionary<string, object> { [WorkItem.Keys.ClipIndex] = (long)i });
        }
    }
}

/// <summary>Writes "a+b" of two numbers; fails when a equals the options' fail_on; optional delay.</summary>
internal sealed class PairTextBlock(AddOptions options, Probe probe) : IPairBlock<int, int, string>
{
    public async ValueTask<string> ProcessAsync(Part<int> a, Part<int> b, BlockContext context, CancellationToken cancellationToken)
    {
        probe.Seeds[context.Item.Key] = context.Seed;
        if (a.Payload == options.FailOn)
        {
            throw new InvalidDataException($"cannot pair {a.Payload}");
        }

        if (options.DelayMs > 0)
        {
            await Task.Delay(options.DelayMs, cancellationToken);
        }

        return a.Payload.ToString(CultureInfo.InvariantCulture) + "+" + b.Payload.ToString(CultureInfo.InvariantCulture);
    }
}

/// <summary>Yields amount numbers a*100 + b*10 + i between two numbers; fails after the first when a equals fail_on.</summary>
internal sealed class BetweenBlock(AddOptions options) : IExpandingPairBlock<int, int, int>
{
    public async IAsyncEnumerable<ItemOutput<int>> ExpandAsync(Part<int> a, Part<int> b, BlockContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (int i = 0; i < options.Amount; i++)
        {
            if (i == 1 && a.Payload == options.FailOn)
            {
                throw new InvalidDataException($"no frame between {a.Payload} and {b.Payload}");
            }

            await Task.Delay(options.DelayMs, cancellationToken);
            yield return new ItemOutput<int>((a.Payload * 100) + (b.Payload * 10) + i, "f" + i.ToString(CultureInfo.InvariantCulture));
        }
    }
}

/// <summary>Joins a group's numbers with commas, in the order given; fails on fail_on.</summary>
internal sealed class JoinTextBlock(AddOptions options) : IGroupBlock<int, string>
{
    public async ValueTask<string> ProcessAsync(IAsyncEnumerable<Part<int>> parts, BlockContext context, CancellationToken cancellationToken)
    {
        var values = new List<int>();
        await foreach (Part<int> part in parts.WithCancellation(cancellationToken))
        {
            if (part.Payload == options.FailOn)
            {
                throw new InvalidOperationException("mixer overloaded");
            }

            values.Add(part.Payload);
        }

        return string.Join(",", values);
    }
}

/// <summary>Throws an OperationCanceledException of its own (like an HttpClient timeout) on a chosen value.</summary>
internal sealed class TimeoutBlock(AddOptions options) : IBlock<int, int>
{
    public ValueTask<int> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken) =>
        input == options.FailOn ? throw new TaskCanceledException("request timed out") : ValueTask.FromResult(input);
}

/// <summary>Reads a file holding a whole number (after an optional delay, to make runs slow enough to kill).</summary>
internal sealed class ReadNumberBlock(AddOptions options) : IBlock<SourceFile, int>
{
    public async ValueTask<int> ProcessAsync(SourceFile input, BlockContext context, CancellationToken cancellationToken)
    {
        if (options.DelayMs > 0)
        {
            await Task.Delay(options.DelayMs, cancellationToken);
        }

        return int.Parse(await File.ReadAllTextAsync(input.FullPath, cancellationToken), CultureInfo.InvariantCulture);
    }
}

internal sealed class WriteTextOptions : FileOutputOptions
{
    public int DelayMs { get; init; }
}

/// <summary>Writes text as a .txt file with the shared writer naming; the manifest records it.</summary>
internal sealed class WriteTextBlock(WriteTextOptions options) : IBlock<string, WrittenFile>
{
    public async ValueTask<WrittenFile> ProcessAsync(string input, BlockContext context, CancellationToken cancellationToken)
    {
        if (options.DelayMs > 0)
        {
            await Task.Delay(options.DelayMs, cancellationToken);
        }

        return Core.IO.OutputNaming.Publish(context.Run, options.Folder, options.Name, ".txt", context.Item, System.Text.Encoding.UTF8.GetBytes(input + "\n"));
    }
}

/// <summary>Passes text on slowly and records how far the first steps (add, counting Consumed) have run ahead of it.</summary>
internal sealed class SlowTextBlock(AddOptions options, Probe probe) : IBlock<string, string>
{
    public async ValueTask<string> ProcessAsync(string input, BlockContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(options.DelayMs, cancellationToken);
        int done = Interlocked.Increment(ref probe.SlowDone);
        probe.MaxGap = Math.Max(probe.MaxGap, Volatile.Read(ref probe.Consumed) - done);
        return input;
    }
}

internal sealed class ToneOptions : IBlockOptions, IDeclaresFormat
{
    public int SampleRate { get; init; } = 44100;

    public PayloadFormat OutputFormat(PayloadFormat input) => new(SampleRate, 1);

    public void Validate(ValidationErrors errors)
    {
    }
}

/// <summary>A short tone at the options' sample rate.</summary>
internal sealed class ToneBlock(ToneOptions options) : IBlock<int, AudioClip>
{
    public ValueTask<AudioClip> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new AudioClip(options.SampleRate, [new float[8]]));
}

/// <summary>Describes two clips (for format checks).</summary>
internal sealed class MixBlock : IPairBlock<AudioClip, AudioClip, string>
{
    public ValueTask<string> ProcessAsync(Part<AudioClip> a, Part<AudioClip> b, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult($"{a.Payload.SampleRate}+{b.Payload.SampleRate}");
}

internal sealed class FakeSession : IDisposable
{


    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

internal sealed class SessionBlock(BlockServices services, Probe probe) : IBlock<int, int>
{
    public ValueTask<int> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken)
    {
        FakeSession session = services.Resources.GetOrCreate("session", () => new FakeSession());
        probe.Sessions.Enqueue(session);
        return ValueTask.FromResult(input);
    }
}

internal sealed class ImageBlock : IBlock<SpectrogramImage, SpectrogramImage>
{
    public ValueTask<SpectrogramImage> ProcessAsync(SpectrogramImage input, BlockContext context, CancellationToken cancellationToken) => ValueTask.FromResult(input);
}

internal sealed class AudioBlock : IBlock<int, AudioClip>
{
    public ValueTask<AudioClip> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new AudioClip(8000, [new float[8]]));
}

internal sealed class WriteBlock(WriteOptions options) : IBlock<int, string>
{
    public ValueTask<string> ProcessAsync(int input, BlockContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.Run.Resolve(options.Path));
}

/// <summary>Instrumentation shared between a test and its toy blocks.</summary>
internal sealed class Probe
{
    public int Produced;
    public int Consumed;
    public int InFlight;
    public volatile int MaxInFlight;
    public volatile int MaxGap;
    public int SlowDone;

    public ConcurrentDictionary<string, ulong> Seeds { get; } = new();

    public ConcurrentQueue<string> Arrivals { get; } = new();

    public ConcurrentQueue<FakeSession> Sessions { get; } = new();
}

internal static class ToyRegistry
{
    private static AddBlock BrokenFactory() => throw new FileNotFoundException("model.onnx not found");

    public static BlockRegistry Create(Probe? probe = null)
    {
        probe ??= new Probe();
        BlockRegistry registry = new BlockRegistry().AddEngineBlocks();
        registry
            .AddSource("count", (CountOptions o, BlockServices _) => new CountSource(o, probe), "Numbers 0..count-1.")
            .Add("add", (AddOptions o, BlockServices _) => new AddBlock(o, probe), "Adds amount.")
            .Add("to-text", (NoOptions _, BlockServices _) => new ToTextBlock(), "Formats a number.")
            .Add("file-text", (NoOptions _, BlockServices _) => new FileTextBlock(), "Reads a file's text.")
            .Add("split", (NoOptions _, BlockServices _) => new SplitBlock(), "n → 0..n-1.")
            .AddPair("pair", (AddOptions o, BlockServices _) => new PairTextBlock(o, probe), "Pairs two numbers as text.")
            .AddPair("mask", (AddOptions o, BlockServices _) => new PairTextBlock(o, probe), "Pairs an item with a mask.", "image", "mask")
            .AddExpandingPair("between", (AddOptions o, BlockServices _) => new BetweenBlock(o), "Numbers between two numbers.")
            .AddGroup("join", (AddOptions o, BlockServices _) => new JoinTextBlock(o), "Joins a group as text.")
            .Add("time-out", (AddOptions o, BlockServices _) => new TimeoutBlock(o), "Times out on fail_on.")
            .Add("broken-factory", (NoOptions _, BlockServices _) => BrokenFactory(), "Cannot start.")
            .Add("session", (NoOptions _, BlockServices s) => new SessionBlock(s, probe), "Uses a shared session.", ExecutionKind.Gpu)
            .Add("image-only", (NoOptions _, BlockServices _) => new ImageBlock(), "Takes images.")
            .Add("make-audio", (NoOptions _, BlockServices _) => new AudioBlock(), "Makes audio.")
            .Add("write", (WriteOptions o, BlockServices _) => new WriteBlock(o), "Resolves an output path.")
            .Add("read-number", (AddOptions o, BlockServices _) => new ReadNumberBlock(o), "Reads a number from a file.")
            .Add("write-text", (WriteTextOptions o, BlockServices _) => new WriteTextBlock(o), "Writes text files.", ExecutionKind.Io)
            .Add("slow-text", (AddOptions o, BlockServices _) => new SlowTextBlock(o, probe), "Passes text on slowly.")
            .Add("make-tone", (ToneOptions o, BlockServices _) => new ToneBlock(o), "Makes a tone.")
            .AddPair("mix", (NoOptions _, BlockServices _) => new MixBlock(), "Mixes two clips.");
        return registry;
    }
}
