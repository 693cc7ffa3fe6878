using Enas.Search.Controller;
using Enas.Search.Tasks;
using Enas.Search.Training;
using Enas.Search.Util;

namespace Enas.Search.Loop;

/// <summary>
/// Derive, for every task: the distinct architectures among K draws of the trained policy (its greedy, most likely
/// one first when it learns), each scored by the task on the same fixed data with the shared weights, ranked best
/// first; and as many uniform draws, scored the same way, when the task asks for them.
/// </summary>
public static class Deriver
{
    /// <summary>Ranks <paramref name="samples"/> draws of <paramref name="controller"/> and, when the task scores
    /// uniform ones, compares the policy with uniform sampling.</summary>
    public static DeriveOutcome Run(ISearchTask task, IController controller, int samples, Action<string, int> startPhase,
        Action<int, int>? onStep)
    {
        var (policyRng, uniformRng) = task.DeriveStreams();
        startPhase($"derive: scoring {samples} sampled architectures", samples + 1);
        var drawn = Score(task, controller, samples, policyRng, withGreedy: controller.Learns, onStep);
        // Stable order: by score, then by sampling order.
        var indexed = drawn.Select((s, i) => (s, i));
        var ranked = (task.HigherIsBetter ? indexed.OrderByDescending(x => x.s.Score) : indexed.OrderBy(x => x.s.Score))
            .ThenBy(x => x.i).Select(x => x.s).ToList();
        IReadOnlyList<ScoredArchitecture> uniform = [];
        if (task.ScoresUniform(controller.Learns))
        {
            startPhase($"derive: scoring {samples} uniformly sampled architectures for comparison", samples);
            uniform = Score(task, new RandomController(task.Space), samples, uniformRng, withGreedy: false, onStep);
        }
        var check = controller.Learns
            ? task.ComparePolicy([.. ranked.Where(r => !r.Greedy).Select(r => r.Score)], [.. uniform.Select(u => u.Score)])
            : null;
        return new DeriveOutcome(ranked, uniform, check);
    }

    /// <summary>The distinct draws of <paramref name="policy"/>, scored, in drawing order.</summary>
    private static List<ScoredArchitecture> Score(ISearchTask task, IController policy, int samples, XoshiroRandom rng,
        bool withGreedy, Action<int, int>? onStep)
    {
        var candidates = DistinctSamples.Draw(policy, samples, rng, withGreedy);
        var scores = task.ScoreCandidates([.. candidates.Select(c => c.Architecture)], rng, onStep);
        return [.. candidates.Select((c, i) => new ScoredArchitecture(c.Architecture, scores[i], c.Greedy))];
    }
}
