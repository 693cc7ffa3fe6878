using Enas.Engine.Autodiff;
using Enas.Engine;
using Enas.Search.Network.Recurrent;
using Enas.Search.Sharing;
using Enas.Search.Spaces;

namespace Enas.Tests.Rnn;

public sealed class HiddenNormClipTests
{
    [Fact]
    public void RowsOverTheCapAreScaledToItAndOthersAreUntouched()
    {
        using var scope = TensorScope.Begin();
        // row 0: norm 5 (3-4-0), row 1: norm 50 (30-40-0), row 2: zeros
        var h = Tensor.FromArray(new double[] { 3, 4, 0, 30, 40, 0, 0, 0, 0 }, new Shape(3, 3));
        var y = HiddenNormClip.Apply(h, 25).ToDoubleArray();
        Assert.Equal(new double[] { 3, 4, 0 }, y[..3].Select(v => Math.Round(v, 9)));
        Assert.Equal(15, y[3], 9);
        Assert.Equal(20, y[4], 9);
        Assert.All(y[6..], v => Assert.Equal(0, v));
        Assert.Same(h, HiddenNormClip.Apply(h, 0));
    }

    [Fact]
    public void GradientIsTheConstantFactorPerRow()
    {
        using var scope = TensorScope.Begin();
        var h = Parameter.Create<double>("h", new Shape(2, 2), [0.3, 0.4, 60, 80]);
        using (var tape = Tape.Record())
        {
            var y = HiddenNormClip.Apply(h, 25);
            tape.Backward(y.Sum());
        }
        var g = h.Grad!.ToDoubleArray();
        Assert.Equal([1, 1, 0.25, 0.25], g.Select(v => Math.Round(v, 9)));
        // under the cap the clip is the identity, so finite differences agree there
        var small = Parameter.Create<double>("s", new Shape(2, 3), [0.1, -0.2, 0.3, 1, 2, -3]);
        var r = Enas.Engine.Autodiff.GradCheck.Run(p => HiddenNormClip.Apply(p[0], 25).Tanh(), [small]);
        Assert.True(r.Passed, r.Report);
    }

    [Fact]
    public void AnIdentityChainThatBlowsUpWithoutTheCapStaysBounded()
    {
        // 4 identity nodes chained: each edge is linear, so with large weights the state grows geometrically over time
        using var scope = TensorScope.Begin();
        var space = new RnnSpace(4);
        var cell = space.Decode(Enas.Search.Spaces.Architecture.ParseOfficial(space, "2 0 2 1 2 2 2"));
        double Last(double cap)
        {
            using var core = new EnasRecurrentCore(new RnnWeightBank(4, 8, 8, 3.0, new Random(2)), cell, cap);
            var x = Tensor.Full(new Shape(100 * 2, 8), 1.0);
            var h = Tensor.Zeros(new Shape(2, 8));
            using (Tape.NoGrad())
            {
                var (outputs, _) = core.Forward(x, 100, [h], LmDropout.None, training: false, new Random(1));
                return outputs.ToDoubleArray().Select(Math.Abs).Max();
            }
        }
        double free = Last(0);
        Assert.True(!double.IsFinite(free) || free > 1e6, $"expected this chain to blow up without the cap, max |h| {free}");
        double capped = Last(25);
        Assert.True(double.IsFinite(capped) && capped <= 25 + 1e-3, $"capped state reached {capped}");
    }
}
