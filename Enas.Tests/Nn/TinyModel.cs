using Enas.Engine;
using Enas.Engine.Nn;

namespace Enas.Tests.Nn;

/// <summary>
/// A Gemm-free test model over [N, 4] inputs: tanh(x * scale + shift) then a child doing the same, so optimiser,
/// checkpoint and leak tests do not depend on other kernel families.
/// </summary>
internal sealed class TinyModel : Module, IForward
{
    public TinyModel(int seed, bool withChild = true)
    {
        var rng = new Random(seed);
        Scale = RegisterParameter("scale", Parameter.Create<float>("scale", new Shape(4), Init.Uniform(new Shape(4), 1, rng)));
        Shift = RegisterParameter("shift", Parameter.Create<float>("shift", new Shape(4), Init.Uniform(new Shape(4), 1, rng)));
        if (withChild) Child = RegisterModule("child", new TinyModel(seed + 1, withChild: false));
    }

    public Parameter Scale { get; }

    public Parameter Shift { get; }

    public TinyModel? Child { get; }

    public Tensor Forward(Tensor x)
    {
        var y = (x * Scale + Shift).Tanh();
        return Child is null ? y : Child.Forward(y);
    }
}
