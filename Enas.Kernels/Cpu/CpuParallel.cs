using System.Runtime.ExceptionServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Work partitioning for CPU kernels on a persistent pool: <see cref="MaxThreads"/> - 1 worker threads plus the
/// calling thread; a job's fixed ranges are claimed from a shared counter, so a worker the OS has not scheduled does
/// not stall the others. Workers spin briefly after a job (back-to-back
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

    private static int s_partsPerThread = ReadParts();

    /// <summary>
    /// Parts per thread of a <see cref="ForBalanced"/> job (default 4; ENAS_PARTS_PER_THREAD overrides it at
    /// start-up, benchmarks set it). More parts than threads let the calling thread take over the share of a worker
    /// that wakes late or is descheduled, instead of waiting for it; 1 gives the one-range-per-thread split.
    /// </summary>
    public static int PartsPerThread
    {
        get => s_partsPerThread;
        set => s_partsPerThread = Math.Max(1, value);
    }

    private static int ReadParts()
    {
        var env = Environment.GetEnvironmentVariable("ENAS_PARTS_PER_THREAD");
        return int.TryParse(env, out int n) && n > 0 ? n : 4;
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
        WorkerPool.RunAndExit(new RangeJob(count, parts, body), parts, parts);
    }

    /// <summary>
    /// Like <see cref="For"/> for memory-bound kernels whose ranges are independent (any split gives the same
    /// results): [0, count) is cut into up to <see cref="PartsPerThread"/> x threads ranges of at least
    /// <paramref name="minGrain"/>, claimed from the shared counter, so a worker that starts late costs only the parts
    /// it did not take. The threads are chosen as in <see cref="For"/> (inline when one range suffices).
    /// </summary>
    public static void ForBalanced(long count, long minGrain, Action<long, long> body)
    {
        if (count <= 0) return;
        long ranges = Math.Max(1, count / Math.Max(1, minGrain));
        int threads = (int)Math.Min(MaxThreads, ranges);
        if (threads <= 1 || !WorkerPool.TryEnter())
        {
            body(0, count);
            return;
        }
        int parts = (int)Math.Min((long)threads * PartsPerThread, ranges);
        WorkerPool.RunAndExit(new RangeJob(count, parts, body), parts, threads);
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
        WorkerPool.RunAndExit(new EachJob(count, parts, body), parts, parts);
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
        WorkerPool.RunAndExit(new EachJob(parts, parts, body), parts, parts);
    }

    /// <summary>
    /// A unit of work split into parts. The submitting thread and the woken workers claim parts from a shared counter
    /// until none is left, so a worker that the OS has not scheduled yet (another process on the cores) does not hold
    /// its part hostage: the others take it. Parts are the same ranges as before; which thread runs one may differ.
    /// </summary>
    internal abstract class Job(int parts)
    {
        protected int Parts { get; } = parts;
        private int _next;
        private int _done;

        public abstract void RunPart(int part);

        /// <summary>Runs unclaimed parts until none is left; an exception is recorded and the part counts as done.</summary>
        public void RunAvailable(Action<Exception> onError)
        {
            int p;
            while ((p = Interlocked.Increment(ref _next) - 1) < Parts)
            {
                try { RunPart(p); }
                catch (Exception e) { onError(e); }
                finally { Interlocked.Increment(ref _done); }
            }
        }

        /// <summary>True once every part has run.</summary>
        public bool Finished => Volatile.Read(ref _done) >= Parts;
    }

    private sealed class RangeJob(long count, int parts, Action<long, long> body) : Job(parts)
    {
        public override void RunPart(int part)
        {
            long start = count * part / Parts, end = count * (part + 1) / Parts;
            if (end > start) body(start, end);
        }
    }

    private sealed class EachJob(int count, int parts, Action<int> body) : Job(parts)
    {
        public override void RunPart(int part)
        {
            int start = (int)((long)count * part / Parts), end = (int)((long)count * (part + 1) / Parts);
            for (int i = start; i < end; i++) body(i);
        }
    }

    /// <summary>The persistent threads. One job at a time; the submitting thread and the workers claim its parts.</summary>
    private static class WorkerPool
    {
        private const int SpinIterations = 4_000;
        private static readonly object s_gate = new();
        private static readonly List<Worker> s_workers = new();
        [ThreadStatic] private static bool t_inJob;
        private static int s_busy;
        private static ExceptionDispatchInfo? s_error;

        public static bool TryEnter()
        {
            if (t_inJob) return false;
            return Interlocked.CompareExchange(ref s_busy, 1, 0) == 0;
        }

        /// <summary>Runs <paramref name="job"/> on the calling thread and <paramref name="threads"/> - 1 workers.</summary>
        public static void RunAndExit(Job job, int parts, int threads)
        {
            try
            {
                threads = Math.Min(threads, parts);
                EnsureWorkers(threads - 1);
                s_error = null;
                for (int i = 0; i < threads - 1; i++) s_workers[i].Assign(job);

                t_inJob = true;
                try
                {
                    job.RunAvailable(RecordError);
                }
                finally
                {
                    t_inJob = false;
                }

                // Only parts a worker has already claimed are left; a worker that wakes after this job finished
                // finds nothing to claim and does not touch it again.
                var spin = new SpinWait();
                while (!job.Finished) spin.SpinOnce(sleep1Threshold: -1);
                s_error?.Throw();
            }
            finally
            {
                Volatile.Write(ref s_busy, 0);
            }
        }

        private static void RecordError(Exception e)
        {
            lock (s_gate) s_error ??= ExceptionDispatchInfo.Capture(e);
        }

        private static void EnsureWorkers(int count)
        {
            while (s_workers.Count < count) s_workers.Add(new Worker(s_workers.Count + 1));
        }

        private sealed class Worker
        {
            private readonly SemaphoreSlim _signal = new(0);
            private Job? _job;
            private int _sleeping;

            public Worker(int index)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = $"enas-cpu-{index}" };
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
                    WaitForJob().RunAvailable(RecordError);
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
