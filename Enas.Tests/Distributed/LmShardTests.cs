using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;
using Enas.Search.Network.Recurrent;
using Enas.Tests.Rnn;

namespace Enas.Tests.Distributed;

/// <summary>What one rank of a data-parallel language model computes (<c>LmDataParallel</c>), checked in one process:
/// shards of the token streams, each with its own carried state and its rows of the whole batch's dropout masks, add
/// up (weighted by their share of the rows) to the whole batch's loss and gradients.</summary>
public sealed class LmShardTests
{
    private static readonly LmDropout AllOn = new() { Embedding = 0.1, Input = 0.2, Hidden = 0.25, Output = 0.3, DropConnect = 0.5 };

    [Fact]
    public void RowsOfTokenBatchesAreThoseStreamsWindowByWindow()
    {
        var tokens = Enumerable.Range(0, 53).ToArray();
        var all = new TokenBatches(tokens, 5); // 5 rows of 10 tokens
        var shard = BatchShard.Of(1, 2, 5);    // rows 3 and 4
        var part = all.Rows(shard);
        Assert.Equal((2, all.Length), (part.BatchSize, part.Length));
        Assert.Equal(all.WindowStarts(4), part.WindowStarts(4));
        foreach (int start in all.WindowStarts(4))
        {
            var (x, y, len) = all.Window(start, 4);
            var (px, py, plen) = part.Window(start, 4);
            Assert.Equal(len, plen);
            for (int t = 0; t < len; t++)
                for (int b = 0; b < 2; b++)
                {
                    Assert.Equal(x[t * 5 + 3 + b], px[t * 2 + b]);
                    Assert.Equal(y[t * 5 + 3 + b], py[t * 2 + b]);
                }
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => all.Rows(BatchShard.Of(0, 2, 6))); // a shard of another batch
    }

    /// <summary>Three windows with every dropout on and the state carried: shard 0 (3 rows) and shard 1 (2 rows) of a
    /// 5-stream batch, each in its own replica with its own generator seeded as the whole-batch model's, give weighted
    /// losses and gradients that sum to the whole batch's, carry the whole batch's state rows, and leave their
    /// generators where the whole batch leaves its own (so ranks stay in step without exchanging anything).</summary>
    [Fact]
    public void ShardsAddUpToTheWholeBatchWithTheWholeBatchsDropoutMasks()
    {
        var data = new TokenBatches([.. Enumerable.Range(0, 200).Select(i => (i * 7 + i / 3) % 9)], 5);
        using var whole = LanguageModelTests.EnasLm(9, 8, "0 0 1 1 3", 3, 1);
        var shards = new[] { BatchShard.Of(0, 2, 5), BatchShard.Of(1, 2, 5) };
        var replicas = shards.Select(_ => LanguageModelTests.EnasLm(9, 8, "0 0 1 1 3", 3, 1)).ToArray();
        var wholeRng = new Random(9);
        var rngs = shards.Select(_ => new Random(9)).ToArray();
        try
        {
            foreach (int start in data.WindowStarts(6).Take(3))
            {
                var (x, y, len) = data.Window(start, 6);
                double wholeLoss = LossAndGrads(whole, () => whole.WindowLoss(x, y, len, 5, AllOn, true, wholeRng));
                double sum = 0;
                var summed = whole.Parameters().Select(p => new double[p.ElementCount]).ToArray();
                for (int s = 0; s < shards.Length; s++)
                {
                    var local = data.Rows(shards[s]);
                    var (lx, ly, _) = local.Window(start, 6);
                    var lm = replicas[s];
                    var rng = rngs[s];
                    var shard = shards[s];
                    sum += shard.Weight * LossAndGrads(lm, () => lm.WindowLoss(lx, ly, len, shard.Count, AllOn, true, rng, shard));
                    var ps = lm.Parameters().ToArray();
                    for (int i = 0; i < ps.Length; i++)
                    {
                        if (ps[i].Grad is not { } g) continue;
                        var v = g.ToDoubleArray();
                        for (int k = 0; k < v.Length; k++) summed[i][k] += shard.Weight * v[k];
                    }
                }
                Assert.Equal(wholeLoss, sum, 1e-5);
                var wp = whole.Parameters().ToArray();
                for (int i = 0; i < wp.Length; i++)
                {
                    var expected = wp[i].Grad?.ToDoubleArray() ?? new double[wp[i].ElementCount];
                    for (int k = 0; k < expected.Length; k++)
                        Assert.True(Math.Abs(expected[k] - summed[i][k]) <= 1e-5 * (1 + Math.Abs(expected[k])),
                            $"window {start}, {wp[i].Name}[{k}]: whole batch {expected[k]}, shards {summed[i][k]}");
                }
                var state = whole.State![0].ToDoubleArray();
                for (int s = 0; s < shards.Length; s++)
                {
                    var rows = replicas[s].State![0].ToDoubleArray();
                    for (int k = 0; k < rows.Length; k++) Assert.Equal(state[shards[s].Offset * 8 + k], rows[k], 1e-6);
                }
                double next = wholeRng.NextDouble();
                foreach (var rng in rngs) Assert.Equal(next, rng.NextDouble());
            }
        }
        finally
        {
            foreach (var r in replicas) r.Dispose();
        }
    }

    [Fact]
    public void AMaskForRowsOfAnotherSizeIsRefused()
    {
        using var lm = LanguageModelTests.EnasLm(9, 8, "0 0 1 1 3", 3, 1);
        var data = new TokenBatches([.. Enumerable.Range(0, 60).Select(i => i % 9)], 3);
        var (x, y, len) = data.Window(0, 4);
        var e = Assert.Throws<ArgumentException>(() => lm.WindowLoss(x, y, len, 3, AllOn, true, new Random(1), BatchShard.Of(1, 2, 5)));
        Assert.Contains("rows [3, 5) of a batch of 5", e.Message);
    }

    private static double LossAndGrads(LanguageModel lm, Func<Tensor> loss)
    {
        foreach (var p in lm.Parameters()) p.ZeroGrad();
        using var tape = Tape.Record();
        var l = loss();
        tape.Backward(l);
        return l.Item();
    }
}
