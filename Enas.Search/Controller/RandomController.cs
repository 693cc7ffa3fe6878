using System.Collections.Immutable;
using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>Uniform sampling over the space's decisions: the random-search baseline (<c>--controller random</c>).</summary>
public sealed class RandomController(ISearchSpace space) : IController
{
    /// <inheritdoc />
    public ISearchSpace Space => space;

    /// <inheritdoc />
    public bool Learns => false;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public ControllerSample Sample(XoshiroRandom rng, bool greedy = false)
    {
        var tokens = ImmutableArray.CreateBuilder<int>(space.Decisions.Count);
        double logp = 0, entropy = 0;
        foreach (var d in space.Decisions)
        {
            tokens.Add(rng.Next(d.NumChoices));
            logp -= Math.Log(d.NumChoices);
            entropy += Math.Log(d.NumChoices);
        }
        return new ControllerSample(new Architecture(space.Name, tokens.MoveToImmutable()),
            Tensor.Scalar(logp), Tensor.Scalar(entropy), null);
    }

    /// <inheritdoc />
    public void Dispose() { }
}
