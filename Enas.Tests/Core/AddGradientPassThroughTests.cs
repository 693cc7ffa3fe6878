using Enas.Engine;
using Enas.Engine.Autodiff;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Core;

/// <summary>
/// A sum hands its output gradient on to same-shape operands without a copy: x + x, a - b, a broadcast operand and a
/// tape output used by two sums all get exactly the gradients the copying backward gave, and no buffer leaks.
/// </summary>
[Collection(LeakCheckCollection.Name)]
public class AddGradientPassThroughTests
{
    private static readonly float[] R = [0.5f, -1.25f, 3f, 0.1f, -0.7f, 2.5f, 1e-3f, -4f];

    [Fact]
    public void SumDifferenceAndBroadcastGradientsAreExact()
    {
        var shape = new Shape(1, 2, 2, 2);
        using var x = Parameter.Create<float>("x", shape, [1, 2, 3, 4, 5, 6, 7, 8]);
        using var y = Parameter.Create<float>("y", shape, [8, 7, 6, 5, 4, 3, 2, 1]);
        using var bias = Parameter.Create<float>("bias", new Shape(1, 2, 1, 1), [0.5f, -0.5f]);
        int before = Enas.Kernels.Backends.Cpu.LiveBufferCount;
        using (var tape = Tape.Record())
        {
            using var r = Tensor.FromArray(R, shape);
            var h = x * 2.0; // a tape output read by two sums
            var loss = (((x + x) + (h - y) + (h + bias)) * r).Sum();
            tape.Backward(loss);
        }
        Assert.Equal(before + 3, Enas.Kernels.Backends.Cpu.LiveBufferCount); // the three parameters' gradients
        Assert.Equal(R.Select(v => 2 * v + 2 * v + 2 * v).ToArray(), x.Grad!.ToFloatArray());
        Assert.Equal(R.Select(v => -v).ToArray(), y.Grad!.ToFloatArray());
        var db = bias.Grad!.ToFloatArray(); // a reduction: its summation order is the kernel's
        Assert.Equal(R[0] + R[1] + R[2] + R[3], db[0], 1e-5f);
        Assert.Equal(R[4] + R[5] + R[6] + R[7], db[1], 1e-5f);
    }
}
