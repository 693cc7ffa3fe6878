using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.GradCheck;

public class BatchNormGradTests
{
    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    private static Parameter P(string name, int seed, double lo, double hi, params int[] shape) =>
        Parameter.Create<double>(name, new Shape(shape), Seeds.Uniform((int)new Shape(shape).ElementCount, seed, lo, hi));

    [Fact]
    public void TrainingWithAffine()
    {
        var x = P("x", 1, -1, 1, 3, 2, 3, 3);
        var g = P("gamma", 2, 0.5, 1.5, 2);
        var b = P("beta", 3, -1, 1, 2);
        AssertGrad(p => p[0].BatchNorm2D(p[1], p[2], null, null, training: true), x, g, b);
    }

    [Fact]
    public void TrainingWithoutAffine()
    {
        var x = P("x", 4, -1, 1, 2, 3, 2, 3);
        AssertGrad(p => p[0].BatchNorm2D(null, null, null, null, training: true), x);
    }

    [Fact]
    public void TrainingOnMatrixInput()
    {
        var x = P("x", 5, -1, 1, 4, 3);
        var g = P("gamma", 6, 0.5, 1.5, 3);
        AssertGrad(p => p[0].BatchNorm2D(p[1], null, null, null, training: true), x, g);
    }

    [Fact]
    public void InferenceUsesRunningStatistics()
    {
        var x = P("x", 7, -1, 1, 2, 3, 2, 2);
        var g = P("gamma", 8, 0.5, 1.5, 3);
        var b = P("beta", 9, -1, 1, 3);
        using var rm = Tensor.FromArray(new[] { 0.1, -0.2, 0.3 }, new Shape(3));
        using var rv = Tensor.FromArray(new[] { 0.5, 1.5, 2.0 }, new Shape(3));
        AssertGrad(p => p[0].BatchNorm2D(p[1], p[2], rm, rv, training: false), x, g, b);
        using var y = x.BatchNorm2D(g, b, rm, rv, training: false);
        var d = new Enas.Kernels.BatchNormDescriptor(2, 3, 4);
        var expected = ReferenceBatchNorm.Normalize(d, x.ToDoubleArray(), rm.ToDoubleArray(), rv.ToDoubleArray(),
            g.ToDoubleArray(), b.ToDoubleArray());
        TensorAssert.Close(expected, y.ToDoubleArray(), 1e-12, 1e-12, "inference output");
    }

    [Fact]
    public void TrainingUpdatesRunningStatisticsInPlace()
    {
        var x = P("x", 10, 2, 4, 4, 2, 3, 3);
        using var rm = Tensor.Zeros(new Shape(2), Enas.Kernels.DType.Float64);
        using var rv = Tensor.Full(new Shape(2), 1.0, Enas.Kernels.DType.Float64);
        using (var tape = Tape.Record())
        {
            var y = x.BatchNorm2D(null, null, rm, rv, training: true, momentum: 0.25);
            tape.Backward(y.Sum());
        }
        var d = new Enas.Kernels.BatchNormDescriptor(4, 2, 9, 1e-5, 0.25);
        var (m, v) = ReferenceBatchNorm.UpdateRunning(d, x.ToDoubleArray(), [0, 0], [1, 1]);
        TensorAssert.Close(m, rm.ToDoubleArray(), 1e-12, 1e-12, "running mean");
        TensorAssert.Close(v, rv.ToDoubleArray(), 1e-12, 1e-12, "running variance (unbiased)");
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        using var x = Tensor.Zeros(new Shape(2, 3, 4, 4));
        using var g4 = Tensor.Zeros(new Shape(4));
        var ex = Assert.Throws<ShapeMismatchException>(() => x.BatchNorm2D(g4, null, null, null, true));
        Assert.Contains("gamma", ex.Message);
        using var x3 = Tensor.Zeros(new Shape(2, 3, 4));
        Assert.Throws<ShapeMismatchException>(() => x3.BatchNorm2D(null, null, null, null, true));
        Assert.Throws<ArgumentException>(() => x.BatchNorm2D(null, null, null, null, training: false));
        using var single = Tensor.Zeros(new Shape(1, 3));
        Assert.Throws<ShapeMismatchException>(() => single.BatchNorm2D(null, null, null, null, true));
    }
}
