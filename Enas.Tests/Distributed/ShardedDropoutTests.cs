using Enas.Engine;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Util;

namespace Enas.Tests.Distributed;

/// <summary>A shard's forward draws the dropout mask of the whole batch and uses its own rows, so every image gets the
/// mask one process would give it and the generator ends where one process leaves it.</summary>
public sealed class ShardedDropoutTests
{
    [Fact]
    public void AShardUsesItsRowsOfTheWholeBatchMaskAndLeavesTheGeneratorAsTheWholeBatchDoes()
    {
        const int n = 6, c = 5;
        var ones = Enumerable.Repeat(1f, n * c).ToArray();
        using var fc = Parameter.Create("fc", new Shape(c, c), Enumerable.Range(0, c * c).Select(i => i % (c + 1) == 0 ? 1f : 0f).ToArray());
        using var scope = TensorScope.Begin();
        var wholeRng = new XoshiroRandom(11);
        var whole = ChildNetwork.Head(Tensor.FromArray(ones, new Shape(n, c, 1, 1)), fc, 0.5, new ForwardContext(true, wholeRng), relu: false)
            .ToFloatArray();
        Assert.Contains(0f, whole);
        Assert.Contains(2f, whole);
        foreach (int s in new[] { 0, 1 })
        {
            var shard = BatchShard.Of(s, 2, n);
            var rng = new XoshiroRandom(11);
            var rows = ChildNetwork.Head(Tensor.FromArray(ones.AsSpan(0, shard.Count * c), new Shape(shard.Count, c, 1, 1)), fc, 0.5,
                new ForwardContext(true, rng) { Shard = shard }, relu: false).ToFloatArray();
            Assert.Equal(whole.AsSpan(shard.Offset * c, shard.Count * c).ToArray(), rows);
            Assert.Equal(wholeRng.GetState(), rng.GetState());
        }
    }
}
