using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Reporting;
using Enas.Search.Util;

namespace Enas.Search.Tasks;

/// <summary>A recurrent search epoch in metrics.jsonl: one "epoch" record with the shared training, the controller
/// phase and the policy's most likely cell, and the divergence check's warning when the epoch was unstable.</summary>
internal sealed class LanguageModelEpochLog(double learningRate, LmEpochResult shared, string? unstable) : IEpochLog
{
    /// <inheritdoc />
    public IReadOnlyList<string> Write(MetricsLog metrics, EpochReport r)
    {
        var c = r.Phase;
        double reward = c?.MeanReward ?? double.NaN, entropy = c?.MeanEntropy ?? double.NaN, baseline = c?.Baseline ?? double.NaN;
        double ppl = c is null ? double.NaN : GeometricMean(c.Metrics);
        string greedy;
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            greedy = r.Controller.Sample(new XoshiroRandom(1), greedy: r.Controller.Learns).Architecture.ToOfficialString();
        (string, object?)[] fields =
        [
            ("epoch", r.Epoch), ("lr", learningRate), ("train_loss", shared.Loss),
            ("tokens_per_second", shared.TokensPerSecond), ("diverged_windows", shared.Diverged), ("reward", reward),
            ("shared_weight_valid_ppl", ppl), ("entropy", entropy),
            ("baseline", baseline), ("greedy_cell", greedy), ("seconds", r.Elapsed.TotalSeconds),
        ];
        // A data-parallel epoch also records its all-reduce size and mean time per window (one process: as before).
        if (shared.AllReduceBytes > 0)
            fields = [.. fields, ("allreduce_bytes_per_step", shared.AllReduceBytes), ("allreduce_seconds_per_step", shared.AllReduceSeconds)];
        metrics.Write("epoch", unstable is null ? fields : [.. fields, ("warning", unstable)]);
        string reduce = shared.AllReduceBytes > 0
            ? $", all-reduce {shared.AllReduceBytes / 1024.0:F1} KiB in {shared.AllReduceSeconds * 1e3:F1} ms/window"
            : "";
        string line = $"epoch {r.Epoch}/{r.Epochs}: lr {learningRate:G3}, train loss {shared.Loss:F3} " +
                      $"({shared.TokensPerSecond:F0} tokens/s{reduce}{(shared.Diverged > 0 ? $", {shared.Diverged} windows skipped: non-finite" : "")}), controller reward {reward:F3}, " +
                      $"shared-weight valid ppl {ppl:F1}, entropy {entropy:F2}; most likely cell {greedy}";
        return unstable is null ? [line] : [line, "warning: " + unstable];
    }

    /// <summary>Geometric mean over the finite perplexities (an arithmetic mean would be one overflowing cell's value);
    /// +infinity when none is finite.</summary>
    private static double GeometricMean(IReadOnlyList<double> perplexities)
    {
        double logSum = 0;
        int finite = 0;
        foreach (double p in perplexities)
        {
            logSum += double.IsFinite(p) ? Math.Log(p) : 0;
            finite += double.IsFinite(p) ? 1 : 0;
        }
        return finite > 0 ? Math.Exp(logSum / finite) : double.PositiveInfinity;
    }
}
