using System.Globalization;

namespace Enas.Search.Training;

/// <summary>
/// Whether the trained policy beats uniform sampling on the shared weights: the derive candidates the policy sampled
/// and as many architectures drawn uniformly from the space, scored on the same validation data. A search whose policy
/// samples score no better than uniform ones learned nothing that derive can use. Search-time numbers with shared
/// weights, never final ones.
/// </summary>
/// <param name="Metric">What the values are ("accuracy" or "perplexity").</param>
/// <param name="HigherIsBetter">True for accuracy, false for perplexity.</param>
/// <param name="PolicySamples">Distinct architectures the policy sampled (its greedy one excluded).</param>
/// <param name="PolicyMean">Their mean (geometric for perplexity).</param>
/// <param name="PolicyBest">Their best value.</param>
/// <param name="UniformSamples">Distinct uniform architectures scored.</param>
/// <param name="UniformMean">Their mean (geometric for perplexity).</param>
/// <param name="UniformBest">Their best value.</param>
public sealed record PolicyVsUniform(string Metric, bool HigherIsBetter, int PolicySamples, double PolicyMean, double PolicyBest,
    int UniformSamples, double UniformMean, double UniformBest)
{
    /// <summary>Summarises shared-weight accuracies (arithmetic mean, higher is better).</summary>
    public static PolicyVsUniform OfAccuracy(IReadOnlyCollection<double> policy, IReadOnlyCollection<double> uniform) =>
        new("accuracy", true, policy.Count, Mean(policy), Best(policy, true), uniform.Count, Mean(uniform), Best(uniform, true));

    /// <summary>Summarises shared-weight perplexities (geometric mean over the finite ones, lower is better).</summary>
    public static PolicyVsUniform OfPerplexity(IReadOnlyCollection<double> policy, IReadOnlyCollection<double> uniform) =>
        new("perplexity", false, policy.Count, GeometricMean(policy), Best(policy, false), uniform.Count, GeometricMean(uniform),
            Best(uniform, false));

    /// <summary>True when the policy's samples score better on average than the uniform ones.</summary>
    public bool PolicyAhead => HigherIsBetter ? PolicyMean > UniformMean : PolicyMean < UniformMean;

    /// <summary>The fields of the <c>policy_vs_uniform</c> record in metrics.jsonl.</summary>
    public (string Name, object? Value)[] MetricsFields() =>
        [("metric", Metric), ("policy_samples", PolicySamples), ("policy_mean", PolicyMean), ("policy_best", PolicyBest),
         ("uniform_samples", UniformSamples), ("uniform_mean", UniformMean), ("uniform_best", UniformBest)];

    /// <summary>One line for the console.</summary>
    public override string ToString()
    {
        string F(double v) => HigherIsBetter ? v.ToString("P1", CultureInfo.InvariantCulture) : v.ToString("F1", CultureInfo.InvariantCulture);
        string mean = HigherIsBetter ? "mean" : "geometric mean";
        return $"policy vs uniform sampling (shared-weight {Metric}, same validation data): policy samples {mean} " +
               $"{F(PolicyMean)}, best {F(PolicyBest)} ({PolicySamples}); uniform samples {mean} {F(UniformMean)}, best " +
               $"{F(UniformBest)} ({UniformSamples}){(PolicyAhead ? "" : " -- the policy is no better than uniform sampling")}";
    }

    private static double Mean(IReadOnlyCollection<double> v) => v.Count == 0 ? double.NaN : v.Average();

    private static double GeometricMean(IReadOnlyCollection<double> v)
    {
        var finite = v.Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? double.PositiveInfinity : Math.Exp(finite.Average(Math.Log));
    }

    private static double Best(IReadOnlyCollection<double> v, bool higher) =>
        v.Count == 0 ? double.NaN : higher ? v.Max() : v.Min();
}
