using Enas.Engine;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.GradCheck;

public class PoolGradTests
{
    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    private static Parameter Distinct(params int[] shape) =>
        Parameter.Create<double>("x", new Shape(shape), Seeds.Distinct((int)new Shape(shape).ElementCount, 31));

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 2, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(5, 2, 2)]
    public void MaxPool(int window, int stride, int padding)
    {
        var x = Distinct(2, 3, 7, 6);
        AssertGrad(p => p[0].MaxPool2D(window, stride, padding), x);
    }

    [Theory]
    [InlineData(3, 1, 1)]
    [InlineData(3, 2, 1)]
    [InlineData(2, 2, 0)]
    [InlineData(5, 1, 2)]
    public void AvgPool(int window, int stride, int padding)
    {
        var x = Distinct(1, 3, 7, 5);
        AssertGrad(p => p[0].AvgPool2D(window, stride, padding), x);
    }

    [Fact]
    public void AvgPoolExcludesPaddingFromTheCount()
    {
        using var x = Tensor.Full(new Shape(1, 1, 3, 3), 2.0);
        using var y = x.AvgPool2D(3, 1, 1);
        // Corners average 4 real values, edges 6, the centre 9: all equal 2 only if padding is not counted.
        Assert.All(y.ToDoubleArray(), v => Assert.Equal(2.0, v, 6));
    }

    [Fact]
    public void GlobalAvgPool()
    {
        var x = Distinct(2, 3, 4, 5);
        AssertGrad(p => p[0].GlobalAvgPool2D(), x);
        using var y = x.GlobalAvgPool2D();
        Assert.Equal(new Shape(2, 3), y.Shape);
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        using var x3 = Tensor.Zeros(new Shape(2, 3, 4));
        Assert.Throws<ShapeMismatchException>(() => x3.MaxPool2D(3, 1, 1));
        Assert.Throws<ShapeMismatchException>(() => x3.GlobalAvgPool2D());
        using var x = Tensor.Zeros(new Shape(1, 1, 4, 4));
        var ex = Assert.Throws<ShapeMismatchException>(() => x.AvgPool2D(3, 1, 3));
        Assert.Contains("padding 3", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => x.MaxPool2D(7, 1, 1));
        Assert.Throws<ShapeMismatchException>(() => x.MaxPool2D(3, 0, 1));
    }
}
