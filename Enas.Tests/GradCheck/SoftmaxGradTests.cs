using Enas.Engine;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.GradCheck;

public class SoftmaxGradTests
{
    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    private static Parameter Logits(int n, int k, int seed) =>
        Parameter.Create<double>("logits", new Shape(n, k), Seeds.Uniform(n * k, seed, -3, 3));

    [Fact]
    public void LogSoftmax()
    {
        var x = Logits(3, 5, 1);
        AssertGrad(p => p[0].LogSoftmax(), x);
    }

    [Fact]
    public void CrossEntropy()
    {
        var x = Logits(4, 5, 2);
        using var labels = Tensor.FromArray(new[] { 4, 0, 2, 2 }, new Shape(4));
        AssertGrad(p => p[0].CrossEntropy(labels), x);
        using var loss = x.CrossEntropy(labels);
        Assert.Equal(Enas.Engine.Shape.Scalar, loss.Shape);
        Assert.Equal(ReferenceSoftmax.CrossEntropy(x.ToDoubleArray(), [4, 0, 2, 2], 5), loss.Item(), 12);
    }

    [Fact]
    public void CrossEntropyFloat32MatchesReference()
    {
        var data = Seeds.Uniform(8 * 10, 3, -20, 20);
        using var logits = Tensor.FromArray(Seeds.ToFloat(data), new Shape(8, 10));
        int[] labelData = [0, 9, 3, 3, 7, 1, 0, 5];
        using var labels = Tensor.FromArray(labelData, new Shape(8));
        using var loss = logits.CrossEntropy(labels);
        var seen = Array.ConvertAll(Seeds.ToFloat(data), v => (double)v);
        Assert.Equal(ReferenceSoftmax.CrossEntropy(seen, labelData, 10), loss.Item(), 4);
    }

    [Fact]
    public void LabelsOutOfRangeAreRejectedClearly()
    {
        using var logits = Tensor.Zeros(new Shape(3, 4));
        using var bad = Tensor.FromArray(new[] { 0, 4, 1 }, new Shape(3));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => logits.CrossEntropy(bad));
        Assert.Contains("label 4", ex.Message);
        Assert.Contains("[0, 4)", ex.Message);
        using var negative = Tensor.FromArray(new[] { 0, -1, 1 }, new Shape(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => logits.CrossEntropy(negative));
        using var shortLabels = Tensor.FromArray(new[] { 0, 1 }, new Shape(2));
        Assert.Throws<ShapeMismatchException>(() => logits.CrossEntropy(shortLabels));
        using var floatLabels = Tensor.Zeros(new Shape(3));
        Assert.Throws<Enas.Engine.DTypeMismatchException>(() => logits.CrossEntropy(floatLabels));
        using var rank3 = Tensor.Zeros(new Shape(2, 3, 4));
        Assert.Throws<ShapeMismatchException>(() => rank3.LogSoftmax());
    }
}
