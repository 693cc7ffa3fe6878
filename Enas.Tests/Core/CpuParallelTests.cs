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

    [Theory]
    [InlineData(1, 4)]
    [InlineData(2, 1)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    public void ForBalancedCoversEveryIndexExactlyOnceInAtMostPartsPerThreadTimesThreadsRanges(int threads, int parts)
    {
        int savedThreads = CpuParallel.MaxThreads, savedParts = CpuParallel.PartsPerThread;
        try
        {
            CpuParallel.MaxThreads = threads;
            CpuParallel.PartsPerThread = parts;
            var hits = new int[1003];
            int ranges = 0;
            var callers = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
            CpuParallel.ForBalanced(hits.Length, 10, (s, e) =>
            {
                Interlocked.Increment(ref ranges);
                callers[Environment.CurrentManagedThreadId] = true;
                for (long i = s; i < e; i++) Interlocked.Increment(ref hits[i]);
            });
            Assert.All(hits, h => Assert.Equal(1, h));
            Assert.Equal(threads == 1 ? 1 : threads * parts, ranges);
            Assert.True(callers.Count <= threads, $"{callers.Count} threads ran parts, at most {threads} may");
            ranges = 0;
            CpuParallel.ForBalanced(25, 10, (s, e) => Interlocked.Increment(ref ranges)); // 2 ranges of >= 10 at most
            Assert.Equal(threads == 1 ? 1 : 2, ranges);
        }
        finally
        {
            CpuParallel.MaxThreads = savedThreads;
            CpuParallel.PartsPerThread = savedParts;
        }
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
