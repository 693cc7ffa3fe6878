using Enas.Search.Spaces;

namespace Enas.Search.Tasks;

/// <summary>
/// How a task scores a controller sample: a metric measured with the shared weights (validation accuracy,
/// perplexity) and the reward it earns before the entropy bonus.
/// </summary>
public interface IControllerReward
{
    /// <summary>Moves to the evaluation data of the next reward: one sample's, or one step's when samples are paired.</summary>
    void NextData();

    /// <summary>Called on every rank once the samples that share the current data are drawn (each sample, or the whole
    /// step when samples are paired), before any is measured: a reward whose data depends on a draw made after sampling
    /// makes that draw here, so it happens on every rank and not only on the rank that measures.</summary>
    void Drawn() { }

    /// <summary>The metric of <paramref name="architecture"/> on the current data (called after <see cref="Drawn"/>).</summary>
    double Measure(Architecture architecture);

    /// <summary>The reward of a metric value (before the entropy bonus).</summary>
    double RewardOf(double metric);
}

/// <summary>Summary of one controller phase.</summary>
/// <param name="MeanReward">Mean reward (entropy bonus included).</param>
/// <param name="Metrics">Each sample's metric, in sampling order.</param>
/// <param name="MeanEntropy">Mean entropy of the sampled decisions.</param>
/// <param name="Baseline">REINFORCE baseline after the phase.</param>
/// <param name="MeanLoss">Mean REINFORCE loss per sample.</param>
/// <param name="Samples">Samples drawn.</param>
public sealed record ControllerPhaseResult(double MeanReward, IReadOnlyList<double> Metrics, double MeanEntropy, double Baseline,
    double MeanLoss, int Samples)
{
    /// <summary>Arithmetic mean of the metrics (summed in sampling order; 0 when none).</summary>
    public double MeanMetric
    {
        get
        {
            double sum = 0;
            foreach (double m in Metrics) sum += m;
            return sum / Math.Max(1, Metrics.Count);
        }
    }
}
