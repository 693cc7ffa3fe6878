using System.Diagnostics;

namespace Enas.Perf;

/// <summary>Stopwatch timing: warm-up runs, then the median of timed runs (each run may repeat the body).</summary>
internal static class Harness
{
    /// <summary>Median milliseconds of one call of <paramref name="body"/>.</summary>
    public static double MedianMs(Action body, int warmup, int runs, double minRunMs = 20)
    {
        for (int i = 0; i < warmup; i++) body();
        // Repeat short bodies inside one timed run so the Stopwatch resolution and loop overhead do not matter.
        var sw = Stopwatch.StartNew();
        body();
        double once = Math.Max(sw.Elapsed.TotalMilliseconds, 1e-4);
        int repeat = Math.Max(1, (int)Math.Ceiling(minRunMs / once));
        var samples = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            sw.Restart();
            for (int i = 0; i < repeat; i++) body();
            samples[r] = sw.Elapsed.TotalMilliseconds / repeat;
        }
        Array.Sort(samples);
        return samples[runs / 2];
    }
}
