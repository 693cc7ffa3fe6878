using System.Diagnostics;
using Enas.Kernels.Cpu;

namespace Enas.Perf;

/// <summary>
/// <c>--gaps</c>: does the worker pool lose time when the host leaves gaps between kernel calls (taping, building a
/// child, the controller)? Each selected row's forward is timed call by call with a host-side gap before every call:
/// none, or a busy wait of 5 us - 2 ms on the calling thread (a sleep would hand the core to the parked worker's
/// spin and blur what is measured). A pool whose workers park after their spin shows as a per-call cost that grows
/// once the gap outlasts the spin. Printed per gap: median and 90th percentile of the call alone (the gap is not
/// counted), 1 and 2 threads alternated gap by gap; run it on an idle machine.
/// </summary>
internal static class Gaps
{
    private static readonly double[] GapsUs = [0, 5, 20, 50, 100, 200, 500, 1000, 2000];

    /// <summary>Prints one markdown table per row.</summary>
    public static void Run(IEnumerable<(string Name, Func<Workload> Make)> rows, int calls)
    {
        foreach (var (_, make) in rows)
        {
            using var w = make();
            Console.WriteLine($"{w.Name} {w.Size}: forward alone after a host-side gap, {calls} calls per cell (wall clock, us)");
            Console.WriteLine();
            Console.WriteLine("| gap us | 1 thr median | 1 thr p90 | 2 thr median | 2 thr p90 | x (medians) |");
            Console.WriteLine("|---|---|---|---|---|---|");
            for (int t = 1; t <= 2; t++)
            {
                CpuParallel.MaxThreads = t;
                for (int i = 0; i < 200; i++) w.Forward();
            }
            foreach (double gap in GapsUs)
            {
                var one = Time(w, 1, gap, calls);
                var two = Time(w, 2, gap, calls);
                Console.WriteLine($"| {gap:F0} | {Pct(one, 0.5):F1} | {Pct(one, 0.9):F1} | {Pct(two, 0.5):F1} | " +
                                  $"{Pct(two, 0.9):F1} | {Pct(one, 0.5) / Pct(two, 0.5):F2} |");
            }
            Console.WriteLine();
        }
        CpuParallel.MaxThreads = Environment.ProcessorCount;
    }

    private static double[] Time(Workload w, int threads, double gapUs, int calls)
    {
        CpuParallel.MaxThreads = threads;
        var us = new double[calls];
        long gapTicks = (long)(gapUs * Stopwatch.Frequency / 1e6);
        for (int i = 0; i < calls; i++)
        {
            long until = Stopwatch.GetTimestamp() + gapTicks;
            while (Stopwatch.GetTimestamp() < until) Thread.SpinWait(10);
            long start = Stopwatch.GetTimestamp();
            w.Forward();
            us[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(us);
        return us;
    }

    private static double Pct(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
}
