using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Enas.Perf;

/// <summary>
/// Timing: warm-up runs, then the median of timed runs (short bodies repeat inside one run). Two clocks: wall time
/// (default), or the calling thread's CPU time (<c>--clock thread</c>, Linux), which ignores the time the thread sat
/// descheduled; on a machine shared with other jobs that is the only way to get stable 1-thread figures.
/// </summary>
internal static partial class Harness
{
    /// <summary>Use the calling thread's CPU clock instead of the wall clock.</summary>
    public static bool ThreadClock { get; set; }

    /// <summary>Median milliseconds of one call of <paramref name="body"/>.</summary>
    public static double MedianMs(Action body, int warmup, int runs, double minRunMs = 20)
    {
        for (int i = 0; i < warmup; i++) body();
        double t0 = NowMs();
        body();
        double once = Math.Max(NowMs() - t0, 1e-4);
        int repeat = Math.Max(1, (int)Math.Ceiling(minRunMs / once));
        var samples = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            double start = NowMs();
            for (int i = 0; i < repeat; i++) body();
            samples[r] = (NowMs() - start) / repeat;
        }
        Array.Sort(samples);
        return samples[runs / 2];
    }

    private static double NowMs()
    {
        if (!ThreadClock) return Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency;
        ClockGetTime(ThreadCpuClock, out var ts);
        return ts.Seconds * 1000.0 + ts.Nanoseconds / 1e6;
    }

    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
