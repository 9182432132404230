namespace SpectroFlow.Diffusion.Noise;

/// <summary>
/// The documented Gaussian generator of SpectroFlow's seeds: numpy's legacy <c>RandomState(seed).standard_normal</c>,
/// i.e. MT19937 seeded with init_genrand(seed), 53-bit uniform doubles and Marsaglia's polar method. This is the
/// generator diffusers' ONNX pipelines use, so a seed gives the same starting noise there and here, on every machine.
/// The polar method rejects r² = 0 and r² ≥ 1, so it never takes log(0).
/// </summary>
public sealed class LegacyGaussian
{
    private const int StateSize = 624;
    private const int Shift = 397;
    private readonly uint[] _state = new uint[StateSize];
    private int _position;
    private bool _hasSpare;
    private double _spare;

    /// <summary>Starts the stream for <paramref name="seed"/> (0 … 2³² − 1, as numpy accepts).</summary>
    public LegacyGaussian(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < StateSize; i++)
        {
            _state[i] = (1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30))) + (uint)i;
        }

        _position = StateSize;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal values, rounded to float32 as numpy's astype does.</summary>
    public void Fill(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)NextGaussian();
        }
    }

    /// <summary>Returns a new array of <paramref name="count"/> standard normal values.</summary>
    public float[] Next(int count)
    {
        var values = new float[count];
        Fill(values);
        return values;
    }

    /// <summary>One standard normal value (numpy's legacy_gauss).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }

        double x1;
        double x2;
        double r2;
        do
        {
            x1 = (2.0 * NextDouble()) - 1.0;
            x2 = (2.0 * NextDouble()) - 1.0;
            r2 = (x1 * x1) + (x2 * x2);
        }
        while (r2 >= 1.0 || r2 == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _spare = f * x1;
        _hasSpare = true;
        return f * x2;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits (numpy's random_standard_uniform).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) / 9007199254740992.0;
    }

    /// <summary>The next 32 bits of MT19937.</summary>
    public uint NextUInt32()
    {
        if (_position >= StateSize)
        {
            Twist();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (int i = 0; i < StateSize; i++)
        {
            uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % StateSize] & 0x7fffffffu);
            uint next = _state[(i + Shift) % StateSize] ^ (y >> 1);
            _state[i] = (y & 1) != 0 ? next ^ 0x9908b0dfu : next;
        }

        _position = 0;
    }
}
