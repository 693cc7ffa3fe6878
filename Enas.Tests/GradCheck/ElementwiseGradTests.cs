using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Kernels;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.GradCheck;

public class ElementwiseGradTests
{
    private static Parameter P(string name, int seed, params int[] shape) =>
        Parameter.Create<double>(name, new Shape(shape), Seeds.AwayFromZero((int)new Shape(shape).ElementCount, seed));

    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("tanh")]
    [InlineData("sigmoid")]
    [InlineData("exp")]
    [InlineData("square")]
    [InlineData("negate")]
    [InlineData("scaleshift")]
    public void UnaryOps(string op)
    {
        var x = P("x", 1, 3, 5);
        AssertGrad(p => op switch
        {
            "relu" => p[0].Relu(),
            "tanh" => p[0].Tanh(),
            "sigmoid" => p[0].Sigmoid(),
            "exp" => p[0].Exp(),
            "square" => p[0].Square(),
            "negate" => -p[0],
            _ => p[0].ScaleShift(-1.5, 0.25),
        }, x);
    }

    [Fact]
    public void LogOnPositiveInputs()
    {
        var x = Parameter.Create<double>("x", new Shape(7), Seeds.Uniform(7, 3, 0.5, 2));
        AssertGrad(p => p[0].Log(), x);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 1, 3, 1 })]
    [InlineData(new[] { 5 }, new int[0])]
    [InlineData(new[] { 2, 3, 2, 2 }, new[] { 2, 1, 1, 1 })]
    public void BinaryOpsWithBroadcast(int[] shapeA, int[] shapeB)
    {
        var a = P("a", 5, shapeA);
        var b = Parameter.Create<double>("b", new Shape(shapeB),
            Seeds.Uniform((int)new Shape(shapeB).ElementCount, 6, 0.5, 1.5));
        AssertGrad(p => p[0] + p[1], a, b);
        AssertGrad(p => p[0] - p[1], a, b);
        AssertGrad(p => p[0] * p[1], a, b);
        AssertGrad(p => p[0] / p[1], a, b);
    }

    [Fact]
    public void TensorUsedTwiceAccumulates()
    {
        var x = P("x", 7, 4);
        AssertGrad(p => p[0] * p[0] + p[0], x);
    }

    [Theory]
    [InlineData("sum")]
    [InlineData("mean")]
    [InlineData("sum01")]
    [InlineData("mean23")]
    [InlineData("max1")]
    public void Reductions(string kind)
    {
        var x = Parameter.Create<double>("x", new Shape(2, 3, 2, 2), Seeds.Distinct(24, 9));
        AssertGrad(p => kind switch
        {
            "sum" => p[0].Sum(),
            "mean" => p[0].Mean(),
            "sum01" => p[0].Sum(0, 1),
            "mean23" => p[0].Mean(2, 3),
            _ => p[0].Max(1, 1),
        }, x);
    }

    [Fact]
    public void ReshapeRoutesGradient()
    {
        var x = P("x", 11, 2, 6);
        AssertGrad(p => p[0].Reshape(3, -1).Tanh() * p[0].Reshape(3, 4), x);
    }

    [Fact]
    public void BroadcastMismatchNamesShapes()
    {
        using var a = Tensor.Zeros(new Shape(2, 3));
        using var b = Tensor.Zeros(new Shape(4));
        var ex = Assert.Throws<ShapeMismatchException>(() => a + b);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4]", ex.Message);
    }

    [Fact]
    public void DTypeMismatchIsRejected()
    {
        using var a = Tensor.Zeros(new Shape(2));
        using var b = Tensor.Zeros(new Shape(2), DType.Float64);
        Assert.Throws<DTypeMismatchException>(() => a * b);
    }
}
