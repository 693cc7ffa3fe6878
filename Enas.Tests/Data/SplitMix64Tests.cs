using Enas.Search.Randomness;

namespace Enas.Tests.Data;

public sealed class SplitMix64Tests
{
    [Fact]
    public void MatchesTheReferenceSequence()
    {
        // Vigna's splitmix64.c with x = 0
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }

    [Fact]
    public void RestoringTheStateReplaysTheSequence()
    {
        var rng = new SplitMix64(123);
        for (int i = 0; i < 5; i++) rng.NextDouble();
        ulong saved = rng.State;
        var first = Enumerable.Range(0, 20).Select(_ => rng.NextInt(1000)).ToArray();
        rng.State = saved;
        Assert.Equal(first, Enumerable.Range(0, 20).Select(_ => rng.NextInt(1000)).ToArray());
    }

    [Fact]
    public void NextIntIsInRangeAndRoughlyUniform()
    {
        var rng = new SplitMix64(9);
        var counts = new int[7];
        for (int i = 0; i < 70000; i++) counts[rng.NextInt(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 9500, 10500));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
        for (int i = 0; i < 1000; i++) Assert.InRange(rng.NextInt(-3, 4), -3, 3);
        for (int i = 0; i < 1000; i++) Assert.InRange(rng.NextDouble(), 0.0, 0.9999999999999999);
    }

    [Fact]
    public void DerivedStreamsDiffer()
    {
        Assert.NotEqual(SplitMix64.Derive(1, 0), SplitMix64.Derive(1, 1));
        Assert.NotEqual(SplitMix64.Derive(1, 0), SplitMix64.Derive(2, 0));
        Assert.NotEqual(SplitMix64.Derive(1, 2, 3), SplitMix64.Derive(1, 3, 2));
        Assert.Equal(SplitMix64.Derive(4, 5, 6), SplitMix64.Derive(4, 5, 6));
    }
}
