using Enas.Search.Reporting;
using Enas.Search.Training;

namespace Enas.Search.Tasks;

/// <summary>A CNN search epoch in metrics.jsonl: an "epoch" record (shared training), then a "controller" record.</summary>
internal sealed class ImageEpochLog(double learningRate, SharedEpochResult shared) : IEpochLog
{
    /// <inheritdoc />
    public IReadOnlyList<string> Write(MetricsLog metrics, EpochReport r)
    {
        var s = shared;
        (string, object?)[] fields = [("epoch", r.Epoch), ("lr", learningRate), ("train_loss", s.Loss),
            ("shared_weight_train_accuracy", s.Accuracy), ("grad_norm", s.GradNorm), ("steps", s.Steps),
            ("seconds", r.SharedTime.TotalSeconds)];
        // A data-parallel epoch also records its mean all-reduce size and time per step (the time inside the call,
        // waiting for the slowest rank included; one process: the record as before).
        metrics.Write("epoch", s.AllReduceBytes > 0
            ? [.. fields, ("allreduce_bytes_per_step", s.AllReduceBytes), ("allreduce_seconds_per_step", s.AllReduceSeconds)]
            : fields);
        string line = $"epoch {r.Epoch}/{r.Epochs}: train loss {s.Loss:F4}, shared-weight train acc {s.Accuracy:P1}, " +
                      (s.AllReduceBytes > 0 ? $"all-reduce {s.AllReduceBytes / 1024.0:F1} KiB in {s.AllReduceSeconds * 1e3:F1} ms/step, " : "");
        if (r.Phase is not { } c)
            return [line + $"uniform children, controller not trained yet (warm-up {r.Epoch}/{r.WarmupEpochs})"];
        metrics.Write("controller", ("epoch", r.Epoch), ("reward", c.MeanReward),
            ("shared_weight_valid_accuracy", c.MeanMetric), ("entropy", c.MeanEntropy), ("baseline", c.Baseline),
            ("loss", c.MeanLoss), ("samples", c.Samples), ("seconds", r.PhaseTime.TotalSeconds));
        return [line + $"controller reward {c.MeanReward:F4} (shared-weight valid acc {c.MeanMetric:P1}), entropy {c.MeanEntropy:F2}"];
    }
}
