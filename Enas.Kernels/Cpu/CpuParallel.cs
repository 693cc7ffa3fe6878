namespace Enas.Kernels.Cpu;

/// <summary>
/// Work partitioning for CPU kernels. <see cref="MaxThreads"/> defaults to the processor count and can be set
/// (benchmarks compare 1 and 2 threads; ENAS_THREADS overrides it at start-up). Small jobs run inline.
/// </summary>
public static class CpuParallel
{
    private static int s_maxThreads = ReadDefault();

    /// <summary>Largest number of threads a kernel may use.</summary>
    public static int MaxThreads
    {
        get => s_maxThreads;
        set => s_maxThreads = Math.Max(1, value);
    }

    private static int ReadDefault()
    {
        var env = Environment.GetEnvironmentVariable("ENAS_THREADS");
        return int.TryParse(env, out int n) && n > 0 ? n : Environment.ProcessorCount;
    }

    /// <summary>
    /// Runs body(start, end) over [0, count) split into at most <see cref="MaxThreads"/> contiguous ranges, each at
    /// least <paramref name="minGrain"/> long; runs inline when one range suffices.
    /// </summary>
    public static void For(long count, long minGrain, Action<long, long> body)
    {
        if (count <= 0) return;
        int parts = (int)Math.Min(MaxThreads, Math.Max(1, count / Math.Max(1, minGrain)));
        if (parts <= 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, p =>
        {
            long start = count * p / parts, end = count * (p + 1) / parts;
            if (end > start) body(start, end);
        });
    }

    /// <summary>Runs body(i) for i in [0, count) with up to <see cref="MaxThreads"/> threads.</summary>
    public static void ForEach(int count, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || MaxThreads == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, body);
    }
}
