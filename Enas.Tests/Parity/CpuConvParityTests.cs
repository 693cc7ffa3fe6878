using Enas.Kernels;
using Enas.Kernels.Cpu;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.Parity;

/// <summary>CPU float32 convolution kernels (forward, backward-data, backward-filter) against float64 loops.</summary>
[Collection(CpuKernelCollection.Name)]
public class CpuConvParityTests
{
    private static readonly CpuBackend Cpu = CpuBackend.Instance;

    // N, C, H, W, K, R, stride, pad, groups
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes() => new()
    {
        { 1, 3, 7, 7, 5, 3, 1, 1, 1 },
        { 2, 5, 7, 9, 17, 3, 2, 1, 1 },
        { 1, 17, 33, 33, 5, 5, 1, 2, 1 },
        { 3, 3, 8, 7, 4, 5, 2, 0, 1 },
        { 2, 36, 9, 9, 36, 1, 1, 0, 1 },
        { 2, 17, 7, 7, 6, 1, 2, 0, 1 },
        { 1, 5, 7, 7, 3, 1, 1, 1, 1 },
        { 2, 6, 9, 7, 4, 3, 1, 1, 2 },
        { 1, 36, 8, 8, 12, 3, 2, 2, 2 },
        { 2, 5, 7, 7, 5, 3, 1, 1, 5 },
        { 1, 17, 33, 33, 17, 5, 1, 2, 17 },
        { 2, 36, 8, 9, 36, 3, 2, 1, 36 },
        { 2, 3, 7, 7, 3, 5, 2, 2, 3 },
        { 1, 5, 7, 7, 5, 1, 1, 0, 5 },
        { 5, 4, 6, 6, 8, 3, 1, 1, 1 },
        { 2, 3, 34, 35, 4, 3, 1, 1, 1 },
        { 2, 5, 33, 40, 6, 5, 1, 2, 1 },
        { 2, 4, 32, 32, 8, 3, 1, 1, 2 },
        // Direct convolution: rows of 32 outputs and K % 6 == 0 (row mode), one image split across threads,
        // 16-wide rows (row-mode weight gradient), K not a multiple of 6, 5x5 on 36 channels.
        { 2, 5, 32, 32, 6, 3, 1, 1, 1 },
        { 1, 7, 34, 34, 12, 3, 1, 0, 1 },
        { 3, 4, 16, 16, 6, 5, 1, 2, 1 },
        { 1, 9, 17, 16, 13, 3, 1, 1, 1 },
        { 2, 36, 12, 32, 36, 5, 1, 2, 1 },
        { 1, 3, 5, 5, 2, 3, 1, 2, 1 },
        // Row mode with a last channel block past K (K % 6 != 0), odd panel counts per thread.
        { 2, 5, 32, 32, 8, 3, 1, 1, 1 },
        { 1, 4, 32, 64, 7, 3, 1, 1, 1 },
        { 3, 3, 32, 32, 20, 5, 1, 2, 1 },
        // Depthwise on planes at most 16 wide (8 x 16 tiles): exactly 16 (direct stores), 14 with k 5, heights
        // not a multiple of 8, pad 0; 17 wide takes the 4 x 32 tiles.
        { 2, 3, 16, 16, 3, 3, 1, 1, 3 },
        { 2, 4, 14, 14, 4, 5, 1, 2, 4 },
        { 1, 3, 13, 11, 3, 5, 1, 1, 3 },
        { 2, 2, 9, 16, 2, 3, 1, 0, 2 },
        { 1, 3, 17, 17, 3, 3, 1, 1, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void KernelsMatchReference(int n, int c, int h, int w, int k, int r, int stride, int pad, int groups)
    {
        var d = new Conv2DDescriptor(n, c, h, w, k, r, r, stride, pad, groups);
        d.Validate();
        Check(d);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ThreadCountsAgree(int threads)
    {
        int saved = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = threads;
        try
        {
            Check(new Conv2DDescriptor(3, 5, 9, 9, 7, 3, 3, 1, 1));
            Check(new Conv2DDescriptor(1, 5, 9, 9, 7, 3, 3, 1, 1));
            Check(new Conv2DDescriptor(3, 6, 9, 9, 6, 3, 3, 1, 1, 6));
            Check(new Conv2DDescriptor(1, 5, 32, 32, 12, 3, 3, 1, 1));
            Check(new Conv2DDescriptor(3, 7, 16, 16, 6, 5, 5, 1, 2));
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Fact]
    public void GenericDepthwiseKernelsMatchReference()
    {
        DepthwiseFast.ForceGeneric = true;
        try
        {
            Check(new Conv2DDescriptor(2, 5, 7, 9, 5, 3, 3, 1, 1, 5));
            Check(new Conv2DDescriptor(1, 3, 33, 33, 3, 5, 5, 1, 2, 3));
        }
        finally
        {
            DepthwiseFast.ForceGeneric = false;
        }
    }

    [Fact]
    public void DepthwiseWithLargePaddingFallsBack()
    {
        Check(new Conv2DDescriptor(1, 4, 6, 6, 4, 3, 3, 1, 3, 4));
        Check(new Conv2DDescriptor(2, 3, 40, 37, 3, 5, 5, 1, 2, 3));
    }

    private static void Check(Conv2DDescriptor d)
    {
        var x = Round(Seeds.Uniform((int)d.InputLength, 21));
        var wt = Round(Seeds.Uniform((int)d.WeightLength, 22));
        var dy = Round(Seeds.Uniform((int)d.OutputLength, 23));
        double tol = 2e-6 * Math.Sqrt(d.CPerGroup * d.R * d.S * Math.Max(1, d.N * d.OutH * d.OutW / 16.0)) + 1e-5;

        TensorAssert.Close(ReferenceConv.Forward(d, x, wt), Run(d, 0, x, wt), tol, 1e-4, $"forward {d}");
        TensorAssert.Close(ReferenceConv.BackwardData(d, dy, wt), Run(d, 1, dy, wt), tol, 1e-4, $"backward data {d}");
        TensorAssert.Close(ReferenceConv.BackwardFilter(d, x, dy), Run(d, 2, x, dy), tol * 4, 1e-4,
            $"backward filter {d}");
    }

    private static float[] Run(in Conv2DDescriptor d, int which, double[] first, double[] second)
    {
        using var a = Upload(first);
        using var b = Upload(second);
        long outLength = which switch { 0 => d.OutputLength, 1 => d.InputLength, _ => d.WeightLength };
        using var o = Cpu.Allocate(DType.Float32, outLength);
        Cpu.Fill(o, 0, outLength, double.NaN); // kernels must overwrite
        switch (which)
        {
            case 0: Cpu.Conv2DForward(d, a, b, o); break;
            case 1: Cpu.Conv2DBackwardData(d, a, b, o); break;
            default: Cpu.Conv2DBackwardFilter(d, a, b, o); break;
        }
        var result = new float[outLength];
        Cpu.Download<float>(o, result);
        return result;
    }

    private static double[] Round(double[] data) => Array.ConvertAll(data, v => (double)(float)v);

    private static DeviceBuffer Upload(double[] data)
    {
        var buffer = Cpu.Allocate(DType.Float32, data.Length);
        Cpu.Upload<float>(Array.ConvertAll(data, v => (float)v), buffer);
        return buffer;
    }
}
