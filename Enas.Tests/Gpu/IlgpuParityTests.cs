using Enas.Kernels;
using Enas.Kernels.Gpu;
using Enas.Tests.Infrastructure;

namespace Enas.Tests.Gpu;

/// <summary>
/// Every ILGPU kernel family against the CPU backend (where it is implemented) or a naive float64 reference, on
/// awkward tiny shapes: batch 1, odd sizes, stride 2, pad 0/1/2, channels not multiples of 4. Run by
/// <see cref="IlgpuCpuParityTests"/> (always) and <see cref="IlgpuCudaParityTests"/> (skipped without a GPU).
/// </summary>
public abstract partial class IlgpuParityTests
{
    private const double Atol = 2e-5, Rtol = 2e-4;

    /// <summary>The backend under test.</summary>
    protected abstract IlgpuBackend Gpu { get; }

    private static IBackend Cpu => Backends.Cpu;

    private static DeviceBuffer Up(IBackend backend, float[] data)
    {
        var buffer = backend.Allocate(DType.Float32, data.Length);
        backend.Upload<float>(data, buffer);
        return buffer;
    }

    private DeviceBuffer Up(float[] data) => Up(Gpu, data);

    private DeviceBuffer Up(double[] data) => Up(Gpu, Seeds.ToFloat(data));

    private DeviceBuffer UpInt(int[] data)
    {
        var buffer = Gpu.Allocate(DType.Int32, data.Length);
        Gpu.Upload<int>(data, buffer);
        return buffer;
    }

    private static float[] Down(IBackend backend, DeviceBuffer buffer, long length = -1)
    {
        var result = new float[length < 0 ? buffer.Length : length];
        backend.Download<float>(buffer, result);
        return result;
    }

    private float[] Down(DeviceBuffer buffer) => Down(Gpu, buffer);

    private static double[] D(float[] data) => Array.ConvertAll(data, v => (double)v);

    /// <summary>Runs <paramref name="body"/> with the naive and with the tiled GEMM/conv kernels.</summary>
    private void BothKernelVariants(Action<string> body)
    {
        var saved = Gpu.Options;
        try
        {
            Gpu.Options = saved with { UseTiledKernels = false };
            body("naive");
            Gpu.Options = saved with { UseTiledKernels = true };
            body("tiled");
        }
        finally
        {
            Gpu.Options = saved;
        }
    }

    [GpuFact]
    public void MemoryFillCopyAndOffsets()
    {
        int live = Gpu.LiveBufferCount;
        using (var a = Up(new float[] { 1, 2, 3, 4, 5, 6, 7 }))
        using (var b = Gpu.Allocate(DType.Float32, 9))
        using (var ints = Gpu.Allocate(DType.Int32, 5))
        {
            Gpu.Fill(b, 0, 9, -1);
            Gpu.Fill(b, 2, 3, 0.5);
            Gpu.CopyStrided(new StridedCopyDescriptor(2, 2, 1, 3, 5, 2), a, b); // rows (2,3) and (5,6) -> b[5..9)
            Gpu.Upload<float>(new float[] { 42 }, b, 8);
            Assert.Equal(new float[] { -1, -1, 0.5f, 0.5f, 0.5f, 2, 3, 5, 42 }, Down(b));
            var part = new float[3];
            Gpu.Download<float>(b, part, 5);
            Assert.Equal(new float[] { 2, 3, 5 }, part);
            Gpu.Fill(ints, 0, 5, 7);
            Gpu.Upload<int>(new[] { -3 }, ints, 4);
            var ib = new int[5];
            Gpu.Download<int>(ints, ib);
            Assert.Equal(new[] { 7, 7, 7, 7, -3 }, ib);
        }
        Assert.Equal(live, Gpu.LiveBufferCount);
    }

    [GpuFact]
    public void Float64IsRejectedClearly()
    {
        var ex = Assert.Throws<NotSupportedException>(() => Gpu.Allocate(DType.Float64, 4));
        Assert.Contains("Float64", ex.Message);
        Assert.False(Gpu.SupportsFloat64);
    }

    [GpuFact]
    public void UnaryOpsForwardAndBackwardMatchCpu()
    {
        CheckUnary<Relu>(Seeds.AwayFromZero(37, 1));
        CheckUnary<Tanh>(Seeds.Uniform(37, 2, -3, 3));
        CheckUnary<Tanh>([-12, -0.5, -0.0999, -1e-3, -1e-6, 0, 1e-6, 1e-3, 0.0999, 0.1, 0.1001, 0.7, 9, 30]);
        CheckUnary<Sigmoid>(Seeds.Uniform(37, 3, -5, 5));
        CheckUnary<Exp>(Seeds.Uniform(37, 4, -2, 2));
        CheckUnary<Log>(Seeds.Uniform(37, 5, 0.1, 3));
        CheckUnary<Negate>(Seeds.Uniform(37, 6));
        CheckUnary<Square>(Seeds.Uniform(37, 7));
    }

    private void CheckUnary<TOp>(double[] data) where TOp : struct, IUnaryOp
    {
        var x = Seeds.ToFloat(data);
        var dy = Seeds.ToFloat(Seeds.Uniform(x.Length, 99));
        using var gx = Up(x);
        using var gy = Gpu.Allocate(DType.Float32, x.Length);
        using var gdy = Up(dy);
        using var gdx = Gpu.Allocate(DType.Float32, x.Length);
        Gpu.Unary<TOp>(gx, gy, x.Length);
        Gpu.UnaryBackward<TOp>(gx, gy, gdy, gdx, x.Length);
        using var cx = Up(Cpu, x);
        using var cy = Cpu.Allocate(DType.Float32, x.Length);
        using var cdy = Up(Cpu, dy);
        using var cdx = Cpu.Allocate(DType.Float32, x.Length);
        Cpu.Unary<TOp>(cx, cy, x.Length);
        Cpu.UnaryBackward<TOp>(cx, cy, cdy, cdx, x.Length);
        TensorAssert.Close(D(Down(Cpu, cy)), Down(gy), 1e-6, 1e-5, TOp.Name);
        TensorAssert.Close(D(Down(Cpu, cdx)), Down(gdx), 1e-6, 1e-5, TOp.Name + " backward");
    }

    [GpuFact]
    public void BinaryOpsWithBroadcastMatchCpu()
    {
        CheckBinary<Add>([2, 3, 1, 5], [3, 5, 1]);
        CheckBinary<Subtract>([7], [3, 7]);
        CheckBinary<Multiply>([2, 3, 4], [2, 3, 4]);
        CheckBinary<Multiply>([1, 6, 1, 1], [3, 6, 2, 3]);
        CheckBinary<Divide>([3, 1, 5], [1, 4, 1]);
    }

    private void CheckBinary<TOp>(int[] shapeA, int[] shapeB) where TOp : struct, IBinaryOp
    {
        Span<int> outShape = stackalloc int[4];
        var desc = BroadcastDescriptor.Create(shapeA, shapeB, outShape)!.Value;
        int na = shapeA.Aggregate(1, (x, y) => x * y), nb = shapeB.Aggregate(1, (x, y) => x * y);
        var a = Seeds.ToFloat(Seeds.AwayFromZero(na, 11, 0.3));
        var b = Seeds.ToFloat(Seeds.AwayFromZero(nb, 12, 0.3));
        var dc = Seeds.ToFloat(Seeds.Uniform((int)desc.Length, 13));
        string ctx = $"{TOp.Name} [{string.Join(",", shapeA)}] x [{string.Join(",", shapeB)}]";
        float[][] Run(IBackend be)
        {
            using var ba = Up(be, a);
            using var bb = Up(be, b);
            using var bdc = Up(be, dc);
            using var c = be.Allocate(DType.Float32, desc.Length);
            using var da = be.Allocate(DType.Float32, desc.Length);
            using var db = be.Allocate(DType.Float32, desc.Length);
            using var ra = be.Allocate(DType.Float32, na);
            be.Binary<TOp>(desc, ba, bb, c);
            be.BinaryBackward<TOp>(desc, ba, bb, bdc, da, db);
            be.SumToBroadcastOperand(desc, da, ra);
            return [Down(be, c), Down(be, da), Down(be, db), Down(be, ra)];
        }
        var expected = Run(Cpu);
        var actual = Run(Gpu);
        string[] names = ["forward", "da", "db", "sum to operand A"];
        for (int i = 0; i < names.Length; i++)
            TensorAssert.Close(D(expected[i]), actual[i], 1e-5, 1e-5, $"{ctx} {names[i]}");
    }

    [GpuFact]
    public void ScaleShiftAxpyAndSquaredNormMatchCpu()
    {
        var x = Seeds.ToFloat(Seeds.Uniform(53, 21));
        var y = Seeds.ToFloat(Seeds.Uniform(53, 22));
        using var gx = Up(x);
        using var gy = Up(y);
        Gpu.ScaleShift(gx, gy, 50, 1.5, -0.25);
        Gpu.Axpy(gx, gy, 53, -2);
        var expected = new double[53];
        for (int i = 0; i < 53; i++) expected[i] = (i < 50 ? 1.5 * x[i] - 0.25 : y[i]) - 2.0 * x[i];
        TensorAssert.Close(expected, Down(gy), 1e-5, 1e-5, "ScaleShift+Axpy");
        double norm = 0;
        foreach (float v in x) norm += (double)v * v;
        Assert.Equal(norm, Gpu.SquaredNorm(gx, 53), 4);
        var big = Seeds.ToFloat(Seeds.Uniform(1000, 23));
        using var gbig = Up(big);
        double bigNorm = 0;
        for (int i = 0; i < 999; i++) bigNorm += (double)big[i] * big[i];
        Assert.Equal(bigNorm, Gpu.SquaredNorm(gbig, 999), 3);
    }

    [GpuFact]
    public void ReductionsForwardAndBackwardMatchCpu()
    {
        foreach (var kind in new[] { ReduceKind.Sum, ReduceKind.Mean, ReduceKind.Max })
        {
            CheckReduce(new ReduceDescriptor(kind, 3, 7, 5));
            CheckReduce(new ReduceDescriptor(kind, 1, 33, 1));
            CheckReduce(new ReduceDescriptor(kind, 2, 300, 1)); // group-per-row path
        }
    }

    private void CheckReduce(ReduceDescriptor d)
    {
        var x = Seeds.ToFloat(Seeds.Distinct((int)d.InputLength, 31));
        var dy = Seeds.ToFloat(Seeds.Uniform((int)d.OutputLength, 32));
        float[][] Run(IBackend be)
        {
            using var bx = Up(be, x);
            using var by = be.Allocate(DType.Float32, d.OutputLength);
            using var bdy = Up(be, dy);
            using var bdx = be.Allocate(DType.Float32, d.InputLength);
            be.Reduce(d, bx, by);
            be.ReduceBackward(d, bx, by, bdy, bdx);
            return [Down(be, by), Down(be, bdx)];
        }
        var e = Run(Cpu);
        var a = Run(Gpu);
        TensorAssert.Close(D(e[0]), a[0], 1e-5, 1e-5, $"Reduce {d}");
        TensorAssert.Close(D(e[1]), a[1], 1e-6, 1e-5, $"ReduceBackward {d}");
    }

    [GpuFact]
    public void MaxReduceBackwardRoutesToFirstMaximum()
    {
        var d = new ReduceDescriptor(ReduceKind.Max, 1, 4, 2);
        using var x = Up(new float[] { 1, 5, 3, 5, 3, 2, 0, 5 });
        using var y = Gpu.Allocate(DType.Float32, 2);
        using var dy = Up(new float[] { 10, 20 });
        using var dx = Gpu.Allocate(DType.Float32, 8);
        Gpu.Reduce(d, x, y);
        Gpu.ReduceBackward(d, x, y, dy, dx);
        Assert.Equal(new float[] { 3, 5 }, Down(y));
        Assert.Equal(new float[] { 0, 20, 10, 0, 0, 0, 0, 0 }, Down(dx));
    }
}
