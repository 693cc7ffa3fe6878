using Enas.Kernels.Cpu;
using Enas.Tests.Parity;

namespace Enas.Tests.Core;

/// <summary>The persistent CPU worker pool: coverage, nesting, exceptions and concurrent callers.</summary>
[Collection(CpuKernelCollection.Name)]
public class CpuParallelTests
{
    [Fact]
    public void ForCoversEveryIndexExactlyOnce()
    {
        var hits = new int[1001];
        for (int round = 0; round < 50; round++)
            CpuParallel.For(hits.Length, 1, (s, e) =>
            {
                for (long i = s; i < e; i++) Interlocked.Increment(ref hits[i]);
            });
        Assert.All(hits, h => Assert.Equal(50, h));
    }

    [Fact]
    public void NestedCallsRunInline()
    {
        int total = 0;
        CpuParallel.ForEach(4, _ => CpuParallel.For(100, 1, (s, e) => Interlocked.Add(ref total, (int)(e - s))));
        Assert.Equal(400, total);
    }

    [Fact]
    public void ExceptionsReachTheCaller()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            CpuParallel.ForEach(8, i => { if (i == 7) throw new InvalidOperationException("boom"); }));
        Assert.Equal("boom", e.Message);
        int after = 0;
        CpuParallel.ForEach(8, _ => Interlocked.Increment(ref after));
        Assert.Equal(8, after);
    }

    [Fact]
    public void ConcurrentCallersAllComplete()
    {
        long total = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            for (int r = 0; r < 200; r++)
                CpuParallel.For(64, 1, (s, e) => Interlocked.Add(ref total, e - s));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Equal(4L * 200 * 64, total);
    }
}
