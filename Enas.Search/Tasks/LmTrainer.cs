using System.Diagnostics;
using Enas.Engine.Optim;
using Enas.Search.Data;
using Enas.Search.Distributed;
using Enas.Search.Network.Recurrent;

namespace Enas.Search.Tasks;

/// <summary>Summary of one training pass.</summary>
/// <param name="Loss">Mean training cross-entropy (nats per token, with dropout).</param>
/// <param name="Windows">BPTT windows trained.</param>
/// <param name="Tokens">Tokens predicted.</param>
/// <param name="Seconds">Wall time.</param>
/// <param name="GradNorm">Mean pre-clip gradient norm.</param>
/// <param name="Diverged">Windows whose loss or gradient was not finite (their update was skipped; they are left
/// out of the means).</param>
/// <param name="AllReduceBytes">Bytes of a window's gradient all-reduce (0 for one process).</param>
/// <param name="AllReduceSeconds">Mean seconds per window inside the all-reduce, the wait for the slowest rank included.</param>
public sealed record LmEpochResult(double Loss, int Windows, long Tokens, double Seconds, double GradNorm, int Diverged = 0,
    long AllReduceBytes = 0, double AllReduceSeconds = 0)
{
    /// <summary>Training throughput.</summary>
    public double TokensPerSecond => Tokens / Math.Max(Seconds, 1e-9);
}

/// <summary>Truncated-BPTT training passes shared by search (one sampled cell per window) and retraining.</summary>
public static class LmTrainer
{
    /// <summary>
    /// One pass over <paramref name="data"/> from a fresh state (at most <paramref name="maxWindows"/> windows), the
    /// state carried across windows. <paramref name="beforeWindow"/> runs before each window (search sets the cell).
    /// Data-parallel (<paramref name="parallel"/>, collective): <paramref name="data"/> is still the whole batch; this
    /// rank trains its streams of every window (<see cref="LmDataParallel"/>), and the result is the whole batch's.
    /// </summary>
    public static LmEpochResult Epoch(LanguageModel model, Optimizer optimizer, TokenBatches data, int bptt,
        LmDropout dropout, double clip, Random rng, Action<int>? beforeWindow = null, int maxWindows = int.MaxValue,
        Action<int, int>? progress = null, LmDataParallel? parallel = null)
    {
        var rows = parallel?.Shard(data.BatchSize);
        var local = parallel is null ? data : parallel.Local(data);
        var sw = Stopwatch.StartNew();
        model.ResetState();
        double lossSum = 0, normSum = 0, reduceSeconds = 0;
        long tokens = 0;
        int windows = 0, diverged = 0, total = Math.Min(maxWindows, data.WindowCount(bptt));
        foreach (int start in local.WindowStarts(bptt))
        {
            if (windows >= total) break;
            beforeWindow?.Invoke(windows);
            var (x, y, len) = local.Window(start, bptt);
            var (loss, norm) = model.TrainWindow(optimizer, x, y, len, local.BatchSize, dropout, clip, rng, parallel, rows);
            if (double.IsFinite(loss) && double.IsFinite(norm))
            {
                lossSum += loss;
                normSum += norm;
            }
            else diverged++;
            tokens += (long)len * data.BatchSize;
            reduceSeconds += parallel?.LastAllReduceSeconds ?? 0;
            windows++;
            progress?.Invoke(windows, total);
        }
        model.ResetState();
        int good = Math.Max(windows - diverged, 1);
        return new LmEpochResult(windows == diverged ? double.NaN : lossSum / good, windows, tokens,
            sw.Elapsed.TotalSeconds, normSum / good, diverged, parallel?.LastAllReduceBytes ?? 0, reduceSeconds / Math.Max(windows, 1));
    }
}
