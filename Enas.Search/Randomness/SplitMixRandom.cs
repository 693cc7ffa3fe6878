namespace Enas.Search.Randomness;

/// <summary>
/// A <see cref="Random"/> backed by a <see cref="SplitMix64"/>, for APIs that take <see cref="Random"/> (weight
/// initialisation, dropout) while keeping a state that can be checkpointed: save and restore
/// <see cref="Generator"/>'s <see cref="SplitMix64.State"/>. Every overridden member draws only from the generator.
/// </summary>
public sealed class SplitMixRandom : Random
{
    /// <summary>Wraps a new generator seeded with <paramref name="seed"/>.</summary>
    public SplitMixRandom(ulong seed) : this(new SplitMix64(seed))
    {
    }

    /// <summary>Wraps <paramref name="generator"/> (shared, not copied).</summary>
    public SplitMixRandom(SplitMix64 generator)
    {
        Generator = generator;
    }

    /// <summary>The underlying generator; its <see cref="SplitMix64.State"/> is this object's whole state.</summary>
    public SplitMix64 Generator { get; }

    /// <inheritdoc />
    public override int Next() => Generator.NextInt(int.MaxValue);

    /// <inheritdoc />
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : Generator.NextInt(maxValue);
    }

    /// <inheritdoc />
    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        return minValue == maxValue ? minValue : Generator.NextInt(minValue, maxValue);
    }

    /// <inheritdoc />
    public override long NextInt64() => Generator.NextInt64(long.MaxValue);

    /// <inheritdoc />
    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : Generator.NextInt64(maxValue);
    }

    /// <inheritdoc />
    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        if (minValue == maxValue) return minValue;
        ulong range = (ulong)(maxValue - minValue);
        // ranges above long.MaxValue fall back to rejection on the top bits
        if (range <= long.MaxValue) return minValue + Generator.NextInt64((long)range);
        ulong r;
        do r = Generator.NextUInt64(); while (r >= range);
        return (long)((ulong)minValue + r);
    }

    /// <inheritdoc />
    public override double NextDouble() => Generator.NextDouble();

    /// <inheritdoc />
    public override float NextSingle() => Generator.NextSingle();

    /// <inheritdoc />
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <inheritdoc />
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(Generator.NextUInt64() >> 56);
    }

    /// <inheritdoc />
    protected override double Sample() => Generator.NextDouble();
}
