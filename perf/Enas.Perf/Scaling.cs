using System.Diagnostics;
using Enas.Kernels.Cpu;

namespace Enas.Perf;

/// <summary>
/// <c>--scaling</c>: 2-thread speed-up of a workload's forward+backward, measured by alternating one call on 1 thread
/// and one on 2 threads, many times. This host's speed drifts by up to 1.6x within minutes (FMA peak 108-176
/// GFLOP/s); two medians taken minutes apart put that drift into the ratio. Alternating call by call exposes both
/// thread counts to the same phases, and the ratio is reported three ways: of the fastest calls, of the medians, and
/// the median of the per-pair ratios.
/// </summary>
internal static class Scaling
{
    /// <summary>Prints one markdown row per workload: times of 1 and 2 threads and the speed-up.</summary>
    public static void Run(IEnumerable<(string Name, Func<Workload> Make)> rows, int pairs)
    {
        Console.WriteLine($"2-thread scaling, forward+backward, {pairs} alternated pairs of calls (wall clock)");
        Console.WriteLine();
        Console.WriteLine("| layer | HxW | 1 thr min ms | 1 thr median | 2 thr min ms | 2 thr median | x (min/min) | x (median/median) | x (median of pair ratios) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (_, make) in rows)
        {
            using var w = make();
            if (!w.HasBackward) continue;
            var one = new double[pairs];
            var two = new double[pairs];
            var ratio = new double[pairs];
            // Warm up for at least a second and a half (tiered JIT recompiles hot loops after ~30 calls), then
            // repeat short bodies inside one sample so each 1-thread sample lasts at least 20 ms.
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < 5 || warm.ElapsedMilliseconds < 1500; i++)
            {
                Call(w, 1, 1);
                Call(w, 2, 1);
            }
            int repeat = Math.Max(1, (int)Math.Ceiling(20 / Call(w, 1, 1)));
            for (int i = 0; i < pairs; i++)
            {
                // Swap the order every pair so neither thread count always runs first after a drift.
                if (i % 2 == 0) { one[i] = Call(w, 1, repeat); two[i] = Call(w, 2, repeat); }
                else { two[i] = Call(w, 2, repeat); one[i] = Call(w, 1, repeat); }
                ratio[i] = one[i] / two[i];
            }
            Console.WriteLine($"| {w.Name} | {w.Size} | {one.Min():F2} | {Median(one):F2} | {two.Min():F2} | {Median(two):F2} | " +
                              $"{one.Min() / two.Min():F2} | {Median(one) / Median(two):F2} | {Median(ratio):F2} |");
        }
        CpuParallel.MaxThreads = Environment.ProcessorCount;
    }

    /// <summary>Milliseconds of one forward+backward on <paramref name="threads"/> threads (mean of <paramref name="repeat"/> calls).</summary>
    private static double Call(Workload w, int threads, int repeat)
    {
        CpuParallel.MaxThreads = threads;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repeat; i++) w.ForwardBackward();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / repeat;
    }

    private static double Median(double[] values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }
}
