using Enas.Engine;
using Enas.Search.Spaces;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>
/// Always the same architecture (<c>--controller fixed --arch FILE</c>): the search loop trains one child on the
/// shared weights, which answers whether the loop itself trains as well as <c>train</c> does, apart from sharing.
/// </summary>
public sealed class FixedController : IController
{
    private readonly Architecture _architecture;

    /// <summary>Creates the controller; the architecture is validated against <paramref name="space"/>.</summary>
    public FixedController(ISearchSpace space, Architecture architecture)
    {
        space.Validate(architecture);
        (Space, _architecture) = (space, architecture);
    }

    /// <inheritdoc />
    public ISearchSpace Space { get; }

    /// <inheritdoc />
    public bool Learns => false;

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc />
    public ControllerSample Sample(XoshiroRandom rng, bool greedy = false) =>
        new(_architecture, Tensor.Scalar(0.0), Tensor.Scalar(0.0), null);

    /// <inheritdoc />
    public void Dispose() { }
}
