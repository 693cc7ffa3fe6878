using Enas.Engine;
using Enas.Kernels;
using Enas.Engine.Autodiff;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.GradCheck;

public class IndexingGradTests
{
    private static void AssertGrad(Func<IReadOnlyList<Parameter>, Tensor> f, params Parameter[] inputs)
    {
        var r = Enas.Engine.Autodiff.GradCheck.Run(f, inputs);
        Assert.True(r.Passed, r.Report);
    }

    private static Parameter P(string name, int seed, params int[] shape) =>
        Parameter.Create<double>(name, new Shape(shape), Seeds.Uniform((int)new Shape(shape).ElementCount, seed));

    [Fact]
    public void ConcatOnChannels()
    {
        var a = P("a", 1, 2, 3, 2, 2);
        var b = P("b", 2, 2, 1, 2, 2);
        var c = P("c", 3, 2, 2, 2, 2);
        AssertGrad(p => Tensor.Concat([p[0], p[1], p[2]], 1), a, b, c);
        using var y = Tensor.Concat([a, b, c], 1);
        Assert.Equal(new Shape(2, 6, 2, 2), y.Shape);
        var yv = y.ToDoubleArray();
        Assert.Equal(b.ToDoubleArray()[4], yv[24 + 3 * 4]); // sample 1, channel 3 = b's channel 0
    }

    [Fact]
    public void ConcatOnLastAxisWithTheSameTensorTwice()
    {
        var a = P("a", 4, 3, 2);
        var b = P("b", 5, 3, 4);
        AssertGrad(p => Tensor.Concat([p[0], p[1], p[0]], -1), a, b);
    }

    [Fact]
    public void Slice()
    {
        var x = P("x", 6, 2, 5, 3);
        AssertGrad(p => p[0].Slice(1, 1, 3), x);
        AssertGrad(p => p[0].Slice(-1, 2, 1), x);
        AssertGrad(p => p[0].Slice(0, 1, 1) * p[0].Slice(0, 0, 1), x);
    }

    [Fact]
    public void GatherWithRepeatedIndices()
    {
        var table = P("table", 7, 5, 3);
        using var idx = Tensor.FromArray(new[] { 0, 2, 2, 4, 0, 2 }, new Shape(6));
        AssertGrad(p => p[0].Gather(idx), table);
    }

    [Fact]
    public void DropoutWithAFixedMaskSeed()
    {
        var x = P("x", 8, 4, 6);
        AssertGrad(p => p[0].Dropout(0.4, new Random(7)), x);
        using var y = x.Dropout(0.4, new Random(7));
        var xv = x.ToDoubleArray();
        var yv = y.ToDoubleArray();
        int zeros = 0;
        for (int i = 0; i < xv.Length; i++)
        {
            if (yv[i] == 0) zeros++;
            else Assert.Equal(xv[i] / 0.6, yv[i], 12);
        }
        Assert.InRange(zeros, 3, 18);
    }

    [Fact]
    public void DropoutMaskIsTheMaskDropoutDraws()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            using var ones = Tensor.Full(new Shape(5, 7), 1.0, dtype);
            using var dropped = ones.Dropout(0.3, new Random(9));
            using var mask = Tensor.DropoutMask(new Shape(5, 7), 0.3, new Random(9), dtype);
            Assert.Equal(dtype, mask.DType);
            Assert.Equal(dropped.ToDoubleArray(), mask.ToDoubleArray());
            Assert.False(mask.RequiresGrad);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.DropoutMask(new Shape(2), 1.0, new Random(1)));
    }

    [Fact]
    public void HostIndexOverloadsMatchTheTensorOnesAndCheckTheirIndices()
    {
        var table = P("t", 11, 5, 3);
        int[] ids = [4, 0, 4, 2];
        AssertGrad(p => p[0].Gather(ids), table);
        using var idx = Tensor.FromArray(ids, new Shape(4));
        using (var a = table.Gather(ids))
        using (var b = table.Gather(idx))
            Assert.Equal(b.ToDoubleArray(), a.ToDoubleArray());
        var gx = Assert.Throws<ArgumentOutOfRangeException>(() => table.Gather([1, 5]));
        Assert.Contains("index 5 at position 1", gx.Message);

        var logits = P("l", 12, 4, 5);
        AssertGrad(p => p[0].CrossEntropy(ids), logits);
        using (var a = logits.CrossEntropy(ids))
        using (var b = logits.CrossEntropy(idx))
            Assert.Equal(b.Item(), a.Item(), 12);
        var cx = Assert.Throws<ArgumentOutOfRangeException>(() => logits.CrossEntropy([0, 1, 5, 2]));
        Assert.Contains("label 5 of example 2", cx.Message);
        Assert.Throws<ShapeMismatchException>(() => logits.CrossEntropy([0, 1]));
    }

    [Fact]
    public void DropoutIsIdentityWhenOffOrNotTraining()
    {
        using var x = Tensor.Zeros(new Shape(3));
        Assert.Same(x, x.Dropout(0, new Random(1)));
        Assert.Same(x, x.Dropout(0.5, new Random(1), training: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Dropout(1.0, new Random(1)));
    }

    [Fact]
    public void ErrorsNameTheShapes()
    {
        using var a = Tensor.Zeros(new Shape(2, 3));
        using var b = Tensor.Zeros(new Shape(3, 3));
        var ex = Assert.Throws<ShapeMismatchException>(() => Tensor.Concat([a, b], 1));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
        Assert.Throws<ShapeMismatchException>(() => Tensor.Concat([a, b], 2));
        Assert.Throws<ShapeMismatchException>(() => a.Slice(1, 2, 2));
        Assert.Throws<ShapeMismatchException>(() => a.Slice(2, 0, 1));
        using var idx = Tensor.FromArray(new[] { 0, 2 }, new Shape(2));
        var gx = Assert.Throws<ArgumentOutOfRangeException>(() => a.Gather(idx));
        Assert.Contains("index 2", gx.Message);
    }
}

/// <summary>Counts live buffers, so it runs alone (other tests allocate concurrently).</summary>
[Collection(LeakCheckCollection.Name)]
public class CompositeLeakCheck
{
    [Fact]
    public void CompositesOutsideAScopeLeaveNoLiveBuffers()
    {
        var backend = Enas.Kernels.Cpu.CpuBackend.Instance;
        using var logits = Tensor.Zeros(new Shape(4, 3));
        using var labels = Tensor.FromArray(new[] { 0, 1, 2, 0 }, new Shape(4));
        using var x = Tensor.Zeros(new Shape(5));
        // Warm up, then compare live buffer counts around calls that build intermediates.
        logits.CrossEntropy(labels).Dispose();
        int before = backend.LiveBufferCount;
        logits.CrossEntropy(labels).Dispose();
        x.Dropout(0.5, new Random(3)).Dispose();
        logits.CrossEntropy([0, 2, 1, 1]).Dispose();
        logits.Gather([1, 0]).Dispose();
        using (var tape = Tape.Record())
        {
            var p = Parameter.Full("w", new Shape(4, 3), 0.5);
            tape.Backward((logits * p).CrossEntropy(labels));
            p.Grad?.Dispose();
            p.Dispose();
        }
        Assert.Equal(before, backend.LiveBufferCount);
    }
}
