using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>A derive candidate before it is scored: an architecture and whether it is the policy's greedy one.</summary>
public readonly record struct DrawnArchitecture(Architecture Architecture, bool Greedy);

/// <summary>"Distinct samples with the greedy one first": the candidate list every derive scores.</summary>
public static class DistinctSamples
{
    /// <summary>The distinct architectures among <paramref name="samples"/> draws of <paramref name="policy"/> from
    /// <paramref name="rng"/> (preceded by its greedy, most likely one when <paramref name="withGreedy"/>), in drawing
    /// order; a repeat of an earlier draw is dropped. No gradient is recorded and the draws' tensors are freed.</summary>
    public static List<DrawnArchitecture> Draw(IController policy, int samples, XoshiroRandom rng, bool withGreedy)
    {
        var candidates = new List<DrawnArchitecture>();
        var seen = new HashSet<Architecture>();
        using (TensorScope.Begin())
        using (Tape.NoGrad())
            for (int i = withGreedy ? -1 : 0; i < samples; i++)
            {
                var a = policy.Sample(rng, greedy: i < 0).Architecture;
                if (seen.Add(a)) candidates.Add(new DrawnArchitecture(a, i < 0));
            }
        return candidates;
    }
}
