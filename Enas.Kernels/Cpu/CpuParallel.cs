using System.Runtime.ExceptionServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Work partitioning for CPU kernels on a persistent pool: <see cref="MaxThreads"/> - 1 worker threads plus the
/// calling thread, static partitioning, no allocation per call. Workers spin briefly after a job (back-to-back
/// kernels start in about a microsecond) and then sleep. A nested call (from inside a job) runs inline, and a call
/// from a second thread while the pool is busy also runs inline. <see cref="MaxThreads"/> defaults to the processor
/// count and can be set (benchmarks compare 1 and 2 threads; ENAS_THREADS overrides it at start-up).
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
        if (parts <= 1 || !WorkerPool.TryEnter())
        {
            body(0, count);
            return;
        }
        WorkerPool.RunAndExit(new RangeJob(count, parts, body), parts);
    }

    /// <summary>Runs body(i) for i in [0, count) with up to <see cref="MaxThreads"/> threads.</summary>
    public static void ForEach(int count, Action<int> body)
    {
        if (count <= 0) return;
        int parts = Math.Min(count, MaxThreads);
        if (parts <= 1 || !WorkerPool.TryEnter())
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        WorkerPool.RunAndExit(new EachJob(count, parts, body), parts);
    }

    /// <summary>
    /// Runs body(part) for part in [0, parts) with one part per thread (parts &lt;= <see cref="MaxThreads"/>), so a
    /// part may use per-thread scratch memory for its whole range. Inline when nested or busy.
    /// </summary>
    internal static void ForParts(int parts, Action<int> body)
    {
        parts = Math.Min(parts, MaxThreads);
        if (parts <= 1 || !WorkerPool.TryEnter())
        {
            for (int p = 0; p < Math.Max(parts, 1); p++) body(p);
            return;
        }
        WorkerPool.RunAndExit(new EachJob(parts, parts, body), parts);
    }

    /// <summary>A unit of work split into parts; part p runs on thread p of the pool.</summary>
    internal abstract class Job
    {
        public abstract void RunPart(int part);
    }

    private sealed class RangeJob(long count, int parts, Action<long, long> body) : Job
    {
        public override void RunPart(int part)
        {
            long start = count * part / parts, end = count * (part + 1) / parts;
            if (end > start) body(start, end);
        }
    }

    private sealed class EachJob(int count, int parts, Action<int> body) : Job
    {
        public override void RunPart(int part)
        {
            int start = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
            for (int i = start; i < end; i++) body(i);
        }
    }

    /// <summary>The persistent threads. One job at a time; the submitting thread runs part 0.</summary>
    private static class WorkerPool
    {
        private const int SpinIterations = 20_000;
        private static readonly object s_gate = new();
        private static readonly List<Worker> s_workers = new();
        [ThreadStatic] private static bool t_inJob;
        private static int s_busy;
        private static int s_pending;
        private static ExceptionDispatchInfo? s_error;

        public static bool TryEnter()
        {
            if (t_inJob) return false;
            return Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;
        }

        public static void RunAndExit(Job job, int parts)
        {
            try
            {
                EnsureWorkers(parts - 1);
                s_error = null;
                Volatile.Write(ref s_pending, parts - 1);
                for (int i = 0; i < parts - 1; i++) s_workers[i].Assign(job);

                t_inJob = true;
                try
                {
                    job.RunPart(0);
                }
                catch (Exception e)
                {
                    lock (s_gate) s_error ??= ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    t_inJob = false;
                }

                var spin = new SpinWait();
                while (Volatile.Read(ref s_pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
                s_error?.Throw();
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        private static void EnsureWorkers(int count)
        {
            while (s_workers.Count < count) s_workers.Add(new Worker(s_workers.Count + 1));
        }

        private sealed class Worker
        {
            private readonly int _part;
            private readonly SemaphoreSlim _signal = new(0);
            private Job? _job;
            private int _sleeping;

            public Worker(int part)
            {
                _part = part;
                var thread = new Thread(Loop) { IsBackground = true, Name = $"enas-cpu-{part}" };
                thread.Start();
            }

            public void Assign(Job job)
            {
                Volatile.Write(ref _job, job);
                if (Interlocked.Exchange(ref _sleeping, 0) == 1) _signal.Release();
            }

            private void Loop()
            {
                t_inJob = true;
                while (true)
                {
                    var job = WaitForJob();
                    try
                    {
                        job.RunPart(_part);
                    }
                    catch (Exception e)
                    {
                        lock (s_gate) s_error ??= ExceptionDispatchInfo.Capture(e);
                    }
                    Interlocked.Decrement(ref s_pending);
                }
            }

            private Job WaitForJob()
            {
                while (true)
                {
                    for (int i = 0; i < SpinIterations; i++)
                    {
                        var job = Volatile.Read(ref _job);
                        if (job is not null)
                        {
                            Volatile.Write(ref _job, null);
                            return job;
                        }
                        Thread.SpinWait(8);
                    }
                    Volatile.Write(ref _sleeping, 1);
                    if (Volatile.Read(ref _job) is not null)
                    {
                        // A job arrived meanwhile: take the flag back, or consume the release the submitter made.
                        if (Interlocked.CompareExchange(ref _sleeping, 0, 1) != 1) _signal.Wait();
                        continue;
                    }
                    _signal.Wait();
                }
            }
        }
    }
}
