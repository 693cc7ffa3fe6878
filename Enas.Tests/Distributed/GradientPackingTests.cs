using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Search.Data;
using Enas.Search.Distributed;

namespace Enas.Tests.Distributed;

/// <summary>The flat buffer of a data-parallel step: shard gradients weighted by their share of the batch sum to the
/// whole batch's mean-loss gradient, and only parameters some shard gave a gradient get one.</summary>
public sealed class GradientPackingTests
{
    private static readonly float[] X = [1, 2, 0.5f, -1, 3, 0, 2, -2, 1, 0.25f, 1, -3, 4, 0.5f, 2];
    private static readonly float[] Y = [1, -2, 0.5f, 3, -1];

    /// <summary>Gradient of mean((x w - y)^2 + 0 * b) over rows [offset, offset + count) of the 5 x 3 data, on w [3, 1]
    /// (b [1] gets none when <paramref name="touchB"/> is false).</summary>
    private static void Backward(Parameter w, Parameter b, int offset, int count, bool touchB)
    {
        using var tape = Tape.Record();
        var x = Tensor.FromArray(X.AsSpan(offset * 3, count * 3), new Shape(count, 3));
        var y = Tensor.FromArray(Y.AsSpan(offset, count), new Shape(count, 1));
        var loss = (x.MatMul(w) - y).Square().Mean();
        if (touchB) loss = loss + b.Square().Sum() * 0.5;
        tape.Backward(loss);
    }

    [Fact]
    public void WeightedShardGradientsSumToTheWholeBatchGradient()
    {
        using var w = Parameter.Create("w", new Shape(3, 1), [0.3f, -0.2f, 0.1f]);
        using var b = Parameter.Create("b", new Shape(1), [2f]);
        Parameter[] layout = [w, b];
        Backward(w, b, 0, 5, touchB: false);
        var whole = w.Grad!.ToFloatArray();
        w.ZeroGrad();

        // Two uneven shards (3 and 2 rows), as two ranks would compute them, then the rank sum of their buffers.
        var buffer = new float[GradientPacking.Length(layout)];
        Assert.Equal(3 + 1 + 2, buffer.Length);
        var scratch = Array.Empty<float>();
        foreach (int s in new[] { 0, 1 })
        {
            var shard = BatchShard.Of(s, 2, 5);
            Backward(w, b, shard.Offset, shard.Count, touchB: false);
            GradientPacking.Add(layout, (float)shard.Weight, buffer, ref scratch);
            w.ZeroGrad();
        }
        Assert.Equal([2f, 0f], buffer[^2..]); // w from both shards, b from none
        GradientPacking.Apply(layout, buffer);
        Assert.NotNull(w.Grad);
        Assert.Null(b.Grad); // no shard gave b a gradient: the optimiser must skip it, as one process would
        var summed = w.Grad!.ToFloatArray();
        for (int i = 0; i < whole.Length; i++) Assert.Equal(whole[i], summed[i], 5e-6f);
        Assert.NotEqual(0f, summed.Select(Math.Abs).Sum());
        w.ZeroGrad();
    }

    [Fact]
    public void AParameterWithAGradientOnOneShardOnlyGetsItsWeightedSum()
    {
        using var w = Parameter.Create("w", new Shape(3, 1), [0.3f, -0.2f, 0.1f]);
        using var b = Parameter.Create("b", new Shape(1), [2f]);
        Parameter[] layout = [w, b];
        var buffer = new float[GradientPacking.Length(layout)];
        var scratch = new float[1]; // too small: grown
        Backward(w, b, 0, 2, touchB: true); // d/db of 0.5 b^2 = b = 2
        GradientPacking.Add(layout, 0.25f, buffer, ref scratch);
        Assert.True(scratch.Length >= 3);
        w.ZeroGrad();
        b.ZeroGrad();
        GradientPacking.Apply(layout, buffer);
        Assert.Equal([0.5f], b.Grad!.ToFloatArray());
        w.ZeroGrad();
        b.ZeroGrad();
        Assert.Throws<ArgumentException>(() => GradientPacking.Apply(layout, new float[3]));
    }
}
