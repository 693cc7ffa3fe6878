using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;
using static Enas.Tests.Parity.KernelHarness;

namespace Enas.Tests.Parity;

public class CpuPoolParityTests
{
    // (N, C, H, W, window, stride, pad): batch 1, odd sizes 7 and 33, non-square, stride 2, pad 0/1/2, window 1-5,
    // widths below, at and above the vector width, odd channel counts.
    private static readonly int[][] Shapes =
    [
        [1, 1, 7, 7, 3, 1, 1],
        [2, 3, 33, 33, 3, 1, 1],
        [1, 5, 7, 7, 3, 2, 1],
        [2, 3, 33, 33, 3, 2, 0],
        [1, 3, 8, 8, 2, 2, 0],
        [2, 1, 7, 7, 2, 1, 1],
        [1, 2, 5, 9, 5, 1, 2],
        [1, 3, 33, 17, 3, 2, 2],
        [1, 1, 1, 1, 1, 1, 0],
        [3, 7, 16, 16, 3, 1, 1],
        [1, 2, 40, 37, 3, 1, 0],
        [2, 3, 9, 11, 4, 3, 1],
    ];

    public static TheoryData<PoolKind, DType, int> Cases()
    {
        var data = new TheoryData<PoolKind, DType, int>();
        foreach (var kind in new[] { PoolKind.Max, PoolKind.Average })
            foreach (var dtype in new[] { DType.Float32, DType.Float64 })
                for (int i = 0; i < Shapes.Length; i++) data.Add(kind, dtype, i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(PoolKind kind, DType dtype, int shape)
    {
        var s = Shapes[shape];
        var d = new Pool2DDescriptor(kind, s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
        var xData = kind == PoolKind.Max ? Seeds.Distinct((int)d.InputLength, 3 + shape)
            : Seeds.Uniform((int)d.InputLength, 3 + shape);
        Check(d, dtype, xData, $"{kind} {dtype} {d}");
    }

    [Theory]
    [InlineData(DType.Float32, 0)]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 2)]
    [InlineData(DType.Float64, 1)]
    public void MaxBackwardRoutesTiesToTheFirstMaximum(DType dtype, int shape)
    {
        var s = Shapes[shape];
        var d = new Pool2DDescriptor(PoolKind.Max, s[0], s[1], s[2], s[3], s[4], s[5], s[6]);
        // Three levels only: most windows hold several equal maxima.
        var xData = Array.ConvertAll(Seeds.Uniform((int)d.InputLength, 21), v => Math.Round(v));
        Check(d, dtype, xData, $"ties {dtype} {d}");
    }

    private static void Check(Pool2DDescriptor d, DType dtype, double[] xData, string context)
    {
        var dyData = Seeds.Uniform((int)d.OutputLength, 5);
        var (atol, rtol) = Tolerance(dtype);
        using var x = Upload(xData, dtype);
        using var y = Empty(dtype, d.OutputLength);
        using var dy = Upload(dyData, dtype);
        using var dx = Empty(dtype, d.InputLength);
        Cpu.Pool2DForward(d, x, y);
        Cpu.Pool2DBackward(d, x, y, dy, dx);
        var seenX = AsSeen(xData, dtype);
        TensorAssert.Close(ReferencePool.Forward(d, seenX), Download(y), atol, rtol, context + " forward");
        TensorAssert.Close(ReferencePool.Backward(d, seenX, AsSeen(dyData, dtype)), Download(dx), atol, rtol,
            context + " backward");
    }
}
