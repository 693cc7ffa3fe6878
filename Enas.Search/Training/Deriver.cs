using Enas.Engine;
using Enas.Search.Controller;
using Enas.Search.Data;
using Enas.Search.Network;
using Enas.Search.Sharing;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Training;

/// <summary>An architecture and its accuracy with the shared search weights (NOT a final accuracy).</summary>
public sealed record ScoredArchitecture(Architecture Architecture, double SharedWeightAccuracy, bool Greedy);

/// <summary>
/// Derive: sample K architectures from the trained policy (plus its greedy, most likely one), score every distinct
/// one on the same validation batches with the shared weights, and rank them.
/// </summary>
public static class Deriver
{
    /// <summary>
    /// Whether derive also scores uniformly sampled architectures: for the policy-vs-uniform comparison of a learning
    /// controller, and as half of a rank check's pool (a random controller's own samples already are uniform).
    /// </summary>
    public static bool ScoresUniform(SearchOptions o, bool controllerLearns) => controllerLearns || o.RankCheck > 0;

    /// <summary>Candidates ranked best first.</summary>
    public static IReadOnlyList<ScoredArchitecture> Run(IController controller, WeightBank bank, NetworkOptions network,
        Batcher validation, int samples, int batches, XoshiroRandom rng, Device device, Action<int, int>? onStep = null)
    {
        var candidates = DistinctSamples.Draw(controller, samples, rng, withGreedy: controller.Learns);
        var accuracies = Score(controller.Space, [.. candidates.Select(c => c.Architecture)], bank, network, validation, batches, rng,
            device, onStep);
        var scored = candidates.Select((c, i) => new ScoredArchitecture(c.Architecture, accuracies[i], c.Greedy)).ToList();
        // Stable order: by accuracy, then by sampling order.
        return scored.Select((s, i) => (s, i)).OrderByDescending(x => x.s.SharedWeightAccuracy).ThenBy(x => x.i)
            .Select(x => x.s).ToList();
    }

    /// <summary>Shared-weight accuracies of <paramref name="samples"/> draws (distinct ones kept) from the uniform
    /// distribution over <paramref name="space"/>, on the same batches as <see cref="Run"/>, in drawing order.</summary>
    public static IReadOnlyList<ScoredArchitecture> ScoreUniform(ISearchSpace space, WeightBank bank, NetworkOptions network,
        Batcher validation, int samples, int batches, XoshiroRandom rng, Device device, Action<int, int>? onStep = null)
    {
        var uniform = DistinctSamples.Draw(new RandomController(space), samples, rng, withGreedy: false);
        var accuracies = Score(space, [.. uniform.Select(c => c.Architecture)], bank, network, validation, batches, rng, device, onStep);
        return [.. uniform.Select((c, i) => new ScoredArchitecture(c.Architecture, accuracies[i], Greedy: false))];
    }

    /// <summary>Accuracy of each architecture with the shared weights on the first <paramref name="batches"/>
    /// validation batches (the same for all; BN on batch statistics, no dropout).</summary>
    private static double[] Score(ISearchSpace space, IReadOnlyList<Architecture> archs, WeightBank bank, NetworkOptions network,
        Batcher validation, int batches, XoshiroRandom rng, Device device, Action<int, int>? onStep)
    {
        var ctx = new ForwardContext(false, rng);
        var fixedBatches = Enumerable.Range(0, Math.Min(batches, validation.BatchesPerEpoch))
            .Select(b => validation.GetBatch(0, b)).ToList();
        var result = new double[archs.Count];
        for (int i = 0; i < archs.Count; i++)
        {
            var child = ChildBuilder.Build(space, archs[i], network, bank, device);
            result[i] = Evaluator.Accuracy(child, fixedBatches, device, ctx);
            onStep?.Invoke(i + 1, archs.Count);
        }
        return result;
    }
}
