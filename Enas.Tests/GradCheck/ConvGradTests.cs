using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Tests.Infrastructure;
using Enas.Tests.Parity;

namespace Enas.Tests.GradCheck;

/// <summary>Float64 finite-difference checks of Conv2D (dense, grouped, depthwise, 1x1) and MatMul via the tape.</summary>
[Collection(CpuKernelCollection.Name)]
public class ConvGradTests
{
    private static Parameter P(string name, int seed, params int[] shape) =>
        Parameter.Create<double>(name, new Shape(shape), Seeds.Uniform((int)new Shape(shape).ElementCount, seed));

    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    [Theory]
    [InlineData(2, 3, 5, 4, 3, 1, 1, 1)]
    [InlineData(1, 4, 6, 4, 3, 2, 1, 2)]
    [InlineData(2, 3, 5, 3, 3, 1, 1, 3)]
    [InlineData(1, 2, 7, 2, 5, 2, 2, 2)]
    [InlineData(2, 3, 4, 5, 1, 1, 0, 1)]
    [InlineData(1, 3, 5, 2, 1, 2, 0, 1)]
    public void Conv2DGradients(int n, int c, int hw, int k, int r, int stride, int pad, int groups)
    {
        var x = P("x", 1, n, c, hw, hw);
        var w = P("w", 2, k, c / groups, r, r);
        AssertGrad(p => p[0].Conv2D(p[1], stride, pad, groups), x, w);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMulGradients(bool ta, bool tb)
    {
        var a = ta ? P("a", 3, 4, 3) : P("a", 3, 3, 4);
        var b = tb ? P("b", 4, 5, 4) : P("b", 4, 4, 5);
        AssertGrad(p => p[0].MatMul(p[1], ta, tb), a, b);
    }

    [Fact]
    public void Conv2DRejectsChannelMismatchWithShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(8, 16, 32, 32));
        var w = Tensor.Zeros(new Shape(64, 32, 3, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => x.Conv2D(w, 1, 1));
        Assert.Equal("Conv2D: input has 16 channels but weight expects 32 (input [8, 16, 32, 32], weight [64, 32, 3, 3])",
            e.Message);
        Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(new Shape(1, 6, 5, 5))
            .Conv2D(Tensor.Zeros(new Shape(4, 3, 3, 3)), 1, 1, groups: 4));
        Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(new Shape(1, 3, 2, 2))
            .Conv2D(Tensor.Zeros(new Shape(4, 3, 5, 5))));
        Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(new Shape(3, 2, 2)).Conv2D(w));
    }
}
