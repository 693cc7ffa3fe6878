namespace Enas.Search.Randomness;

/// <summary>
/// A small, fast, seedable pseudo-random generator (Steele, Lea and Flood's SplitMix64) whose entire state is one
/// <see cref="ulong"/>: read <see cref="State"/> to save it in a checkpoint and assign it to resume exactly.
/// Not thread-safe; give each consumer its own instance (see <see cref="Derive(ulong, ulong)"/>).
/// </summary>
public sealed class SplitMix64
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>Creates a generator whose first state is <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed)
    {
        State = seed;
    }

    /// <summary>The complete generator state; saving and restoring it reproduces the following draws exactly.</summary>
    public ulong State { get; set; }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        State += Golden;
        return Finalize(State);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A uniform integer in [0, <paramref name="n"/>) without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return (int)high;
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int NextInt(int min, int maxExclusive)
    {
        if (maxExclusive <= min)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), $"empty range [{min}, {maxExclusive})");
        return (int)(min + (long)NextInt64((long)maxExclusive - min));
    }

    /// <summary>A uniform 64-bit integer in [0, <paramref name="n"/>).</summary>
    public long NextInt64(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold) high = Math.BigMul(NextUInt64(), bound, out low);
        }
        return (long)high;
    }

    /// <summary>True with probability 1/2.</summary>
    public bool NextBool() => (NextUInt64() >> 63) != 0;

    /// <summary>A standard normal sample (Box-Muller; consumes exactly two draws, keeps no cached value).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates, last to first).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A copy with the same state (the two then produce the same sequence).</summary>
    public SplitMix64 Clone() => new(State);

    /// <summary>
    /// A seed for an independent stream identified by <paramref name="stream"/> under <paramref name="seed"/>
    /// (e.g. seed = run seed, stream = epoch). Pure function: the same inputs always give the same seed.
    /// </summary>
    public static ulong Derive(ulong seed, ulong stream) =>
        Finalize(Finalize(seed + Golden) ^ Finalize(stream * Golden + 0xD1B54A32D192ED03UL));

    /// <summary>A seed for the stream (<paramref name="a"/>, <paramref name="b"/>) under <paramref name="seed"/>.</summary>
    public static ulong Derive(ulong seed, ulong a, ulong b) => Derive(Derive(seed, a), b);

    private static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
