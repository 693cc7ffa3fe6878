using System.Diagnostics;
using Enas.Kernels.Cpu;

namespace Enas.Perf;

/// <summary>
/// <c>--loop N</c>: runs N forward+backward calls of each selected row and nothing else (no FMA peak, no anchors),
/// printing the total. Made to be timed from outside as a whole process, two builds or two rows alternated run by
/// run, so that a shared machine's drift falls on both alike; the printed figure is the in-process check.
/// </summary>
internal static class Loop
{
    /// <summary>Runs <paramref name="calls"/> forward+backward calls of every row on <paramref name="threads"/> threads.</summary>
    public static void Run(IEnumerable<(string Name, Func<Workload> Make)> rows, int calls, int threads)
    {
        CpuParallel.MaxThreads = threads;
        foreach (var (_, make) in rows)
        {
            using var w = make();
            for (int i = 0; i < 3; i++) w.ForwardBackward();
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) w.ForwardBackward();
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Console.WriteLine($"{w.Name} {w.Size} threads {threads}: {calls} calls {ms:F1} ms ({ms / calls:F3} ms each)");
        }
    }
}
