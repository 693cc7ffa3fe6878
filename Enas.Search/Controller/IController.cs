using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// One sampled architecture with the log-probability of the sample (a scalar recorded on the current tape, so
/// REINFORCE can differentiate it), the policy entropy at the sampled decisions (a scalar, no gradient) and, for
/// macro, the skip penalty (KL of the skip probabilities to the target rate; scalar with gradient).
/// </summary>
public sealed record ControllerSample(Architecture Architecture, Tensor LogProb, Tensor Entropy, Tensor? SkipPenalty)
{
    /// <summary>Entropy as a number.</summary>
    public double EntropyValue => Entropy.Item();
}

/// <summary>A policy over architectures of one space.</summary>
public interface IController : IDisposable
{
    /// <summary>The space it samples from.</summary>
    ISearchSpace Space { get; }

    /// <summary>False for the uniform random baseline (no parameters, no update).</summary>
    bool Learns { get; }

    /// <summary>Trainable parameters (CPU), in a fixed order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Samples an architecture; <paramref name="greedy"/> takes the most likely value at every step.</summary>
    ControllerSample Sample(XoshiroRandom rng, bool greedy = false);
}
