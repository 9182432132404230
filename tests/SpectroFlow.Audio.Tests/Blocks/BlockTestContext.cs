using SpectroFlow.Core.Blocks;

namespace SpectroFlow.Audio.Tests.Blocks;

internal static class BlockTestContext
{
    public static BlockContext For(object payload, string key = "songs/a.wav", string outputRoot = "/tmp", ulong seed = 42, string step = "step", IEnumerable<KeyValuePair<string, object>>? metadata = null)
    {
        var run = new RunContext(seed, outputRoot, new SharedResources());
        return new BlockContext(run, step, WorkItem.Create(key, 0, payload, seed, metadata));
    }

    public static async Task<List<ItemOutput<T>>> ToListAsync<T>(IAsyncEnumerable<ItemOutput<T>> outputs)
    {
        var list = new List<ItemOutput<T>>();
        await foreach (ItemOutput<T> output in outputs)
        {
            list.Add(output);
        }

        return list;
    }
}
