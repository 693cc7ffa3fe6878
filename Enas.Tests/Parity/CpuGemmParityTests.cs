using Enas.Kernels;
using Enas.Kernels.Cpu;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.Parity;

/// <summary>CPU float32 (and float64) GEMM against the naive float64 reference on awkward shapes.</summary>
[Collection(CpuKernelCollection.Name)]
public class CpuGemmParityTests
{
    private static readonly CpuBackend Cpu = CpuBackend.Instance;

    public static TheoryData<int, int, int> Sizes() => new()
    {
        { 1, 1, 1 }, { 1, 70, 1 }, { 7, 33, 1 }, { 5, 3, 70 }, { 6, 32, 256 }, { 13, 65, 257 }, { 70, 70, 70 },
        { 2, 100, 300 }, { 37, 17, 9 }, { 64, 1, 33 }, { 97, 130, 520 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void AllTransposesMatchReference(int m, int n, int k)
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            Check(new GemmDescriptor(ta, tb, m, n, k), $"{m}x{n}x{k} ta={ta} tb={tb}");
    }

    [Fact]
    public void AlphaBetaOffsetsLeadingDimensionsAndBatches()
    {
        Check(new GemmDescriptor(false, false, 9, 40, 19, Alpha: 0.5f, Beta: -1.25f), "alpha/beta");
        Check(new GemmDescriptor(true, false, 11, 35, 7, Lda: 15, Ldb: 41, Ldc: 38, OffsetA: 3, OffsetB: 5,
            OffsetC: 7), "ld/offsets");
        Check(new GemmDescriptor(false, true, 13, 34, 10, Beta: 1f, BatchCount: 3, StrideA: 13 * 10 + 4,
            StrideB: 34 * 10 + 1, StrideC: 13 * 34 + 2), "batched");
        Check(new GemmDescriptor(true, true, 8, 70, 66, Alpha: 2f, Lda: 9, Ldb: 67, Ldc: 71, OffsetC: 1,
            BatchCount: 2, StrideA: 66 * 9, StrideB: 70 * 67, StrideC: 8 * 71), "batched ld");
    }

    [Fact]
    public void BetaZeroIgnoresNaNInC()
    {
        var d = new GemmDescriptor(false, false, 7, 33, 5);
        Check(d, "beta 0 over NaN", fillC: double.NaN);
    }

    [Fact]
    public void Vector256FallbackMatchesReference()
    {
        GemmKernels.ForceVector256 = true;
        try
        {
            Check(new GemmDescriptor(false, true, 13, 37, 29, Alpha: 1.5f, Beta: 0.5f), "v256 13x37x29");
            Check(new GemmDescriptor(true, false, 70, 18, 300), "v256 70x18x300");
        }
        finally
        {
            GemmKernels.ForceVector256 = false;
        }
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
            Check(new GemmDescriptor(false, false, 40, 200, 90), $"{threads} threads split N");
            Check(new GemmDescriptor(true, false, 200, 20, 90), $"{threads} threads split M");
            Check(new GemmDescriptor(false, false, 20, 30, 50, BatchCount: 4, StrideA: 1000, StrideB: 1500,
                StrideC: 600), $"{threads} threads batches");
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    private static void Check(in GemmDescriptor d, string context, double fillC = 0.3)
    {
        long lenA = d.OffsetA + (d.BatchCount - 1) * d.StrideA + (long)(d.TransA ? d.K : d.M) * d.LeadingA;
        long lenB = d.OffsetB + (d.BatchCount - 1) * d.StrideB + (long)(d.TransB ? d.N : d.K) * d.LeadingB;
        long lenC = d.OffsetC + (d.BatchCount - 1) * d.StrideC + (long)d.M * d.LeadingC;
        var a = Seeds.ToFloat(Seeds.Uniform((int)lenA, 11)).Select(v => (double)v).ToArray();
        var b = Seeds.ToFloat(Seeds.Uniform((int)lenB, 12)).Select(v => (double)v).ToArray();
        var c = Seeds.ToFloat(Seeds.Uniform((int)lenC, 13)).Select(v => double.IsNaN(fillC) ? double.NaN : v)
            .ToArray();
        var expected = (double[])c.Clone();
        ReferenceGemm.Run(d, a, b, expected);

        using var ba = Upload(a);
        using var bb = Upload(b);
        using var bc = Upload(c);
        Cpu.Gemm(d, ba, bb, bc);
        var actual = new float[lenC];
        Cpu.Download<float>(bc, actual);
        double tol = 1e-5 * Math.Sqrt(d.K) + 1e-6;
        TensorAssert.Close(expected, actual, tol, 1e-4, context);

        // Float64 path (used by gradient checks).
        using var da = UploadDouble(a);
        using var db = UploadDouble(b);
        using var dc = UploadDouble(c);
        Cpu.Gemm(d, da, db, dc);
        var actual64 = new double[lenC];
        Cpu.Download<double>(dc, actual64);
        TensorAssert.Close(expected, actual64, 1e-12, 1e-12, context + " (f64)");
    }

    private static DeviceBuffer Upload(double[] data)
    {
        var buffer = Cpu.Allocate(DType.Float32, data.Length);
        Cpu.Upload<float>(Array.ConvertAll(data, v => (float)v), buffer);
        return buffer;
    }

    private static DeviceBuffer UploadDouble(double[] data)
    {
        var buffer = Cpu.Allocate(DType.Float64, data.Length);
        Cpu.Upload<double>(data, buffer);
        return buffer;
    }
}

/// <summary>Tests that change process-wide CPU settings (thread count, forced kernels) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuKernelCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "CPU kernel settings";
}
