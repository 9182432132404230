namespace SpectroFlow.Core.Randomness;

/// <summary>
/// A small, fast, seedable generator (SplitMix64) whose sequence is fixed by this code, not by the runtime, so a
/// seed reproduces the same output on every machine and .NET version. Not for security.
/// </summary>
public sealed class DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public DeterministicRandom(ulong seed)
    {
        _state = seed;
    }

    /// <summary>Derives a child seed from a parent seed and a stable key (e.g. an item's path), independent of order.</summary>
    public static ulong DeriveSeed(ulong parentSeed, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ulong hash = 14695981039346656037UL; // FNV-1a over UTF-16 code units
        foreach (char c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return Mix(parentSeed ^ Mix(hash));
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
