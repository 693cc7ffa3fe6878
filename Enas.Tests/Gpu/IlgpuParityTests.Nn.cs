using Enas.Kernels;
using Enas.Tests.Infrastructure;
using Enas.Tests.Reference;

namespace Enas.Tests.Gpu;

public abstract partial class IlgpuParityTests
{
    [GpuFact]
    public void GemmMatchesReferenceForAllShapesAndLayouts() => BothKernelVariants(variant =>
    {
        // M < K (the upstream ILGPU sample's bug), tails in every dimension, all transposes.
        foreach (var (m, n, k) in new[] { (2, 2, 8), (7, 5, 33), (1, 9, 3), (17, 3, 1), (9, 18, 0) })
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            CheckGemm(new GemmDescriptor(ta, tb, m, n, k), variant);
        // Leading dimensions, offsets, alpha/beta and batches.
        CheckGemm(new GemmDescriptor(false, true, 5, 6, 7, Alpha: 0.5f, Beta: -1.5f, Lda: 9, Ldb: 8, Ldc: 10,
            OffsetA: 3, OffsetB: 2, OffsetC: 4, BatchCount: 3, StrideA: 50, StrideB: 60, StrideC: 70), variant);
        CheckGemm(new GemmDescriptor(true, false, 4, 3, 9, BatchCount: 2, StrideA: 36, StrideB: 27, StrideC: 12),
            variant);
    });

    private void CheckGemm(GemmDescriptor d, string variant)
    {
        long sizeA = d.OffsetA + (d.BatchCount - 1) * d.StrideA + (long)(d.TransA ? d.K : d.M) * d.LeadingA;
        long sizeB = d.OffsetB + (d.BatchCount - 1) * d.StrideB + (long)(d.TransB ? d.N : d.K) * d.LeadingB;
        long sizeC = d.OffsetC + (d.BatchCount - 1) * d.StrideC + (long)d.M * d.LeadingC;
        var a = Seeds.Uniform((int)Math.Max(sizeA, 1), 41);
        var b = Seeds.Uniform((int)Math.Max(sizeB, 1), 42);
        var c = Seeds.Uniform((int)sizeC, 43);
        var expected = (double[])c.Clone();
        ReferenceGemm.Run(d, a, b, expected);
        using var ga = Up(a);
        using var gb = Up(b);
        using var gc = Up(c);
        Gpu.Gemm(d, ga, gb, gc);
        var actual = Down(gc);
        TensorAssert.Close(expected, actual, Atol, Rtol, $"Gemm {variant} {d} vs reference");
        using var ca = Up(Cpu, Seeds.ToFloat(a));
        using var cb = Up(Cpu, Seeds.ToFloat(b));
        using var cc = Up(Cpu, Seeds.ToFloat(c));
        Cpu.Gemm(d, ca, cb, cc);
        TensorAssert.Close(D(Down(Cpu, cc)), actual, Atol, Rtol, $"Gemm {variant} {d} vs CPU backend");
    }

    public static readonly Conv2DDescriptor[] ConvCases =
    [
        new(1, 3, 7, 7, 5, 3, 3, 1, 1),
        new(2, 4, 7, 6, 6, 3, 3, 2, 0),
        new(1, 6, 5, 5, 4, 5, 5, 1, 2),
        new(2, 5, 6, 7, 7, 1, 1, 1, 0),
        new(1, 4, 6, 6, 6, 3, 3, 1, 1, Groups: 2),
        new(2, 5, 7, 7, 5, 3, 3, 1, 1, Groups: 5),
        new(1, 3, 9, 8, 3, 5, 5, 2, 2, Groups: 3),
        new(1, 6, 7, 7, 6, 3, 3, 2, 1, Groups: 6),
        new(1, 2, 6, 5, 2, 2, 4, 1, 1, Groups: 2),
    ];

    [GpuFact]
    public void ConvolutionForwardAndBackwardMatchReference() => BothKernelVariants(variant =>
    {
        foreach (var d in ConvCases) CheckConv(d, variant);
    });

    [GpuFact]
    public void ConvolutionBackwardFilterSplitKMatchesReference()
    {
        // N * OH * OW = 2 * 12 * 12 = 288 pixels; with at least 64 pixels per split the tiled backward-filter
        // kernel splits K 4 ways and adds the partial tiles atomically into a zeroed dw.
        var saved = Gpu.Options;
        try
        {
            Gpu.Options = saved with { SplitKMinChunk = 64, UseTiledKernels = true };
            CheckConv(new Conv2DDescriptor(2, 2, 12, 12, 3, 3, 3, 1, 1), "tiled split-K");
            CheckConv(new Conv2DDescriptor(3, 4, 9, 9, 2, 3, 3, 1, 1, Groups: 2), "tiled split-K grouped");
        }
        finally
        {
            Gpu.Options = saved;
        }
    }

    private void CheckConv(Conv2DDescriptor d, string variant)
    {
        d.Validate();
        var x = Seeds.Uniform((int)d.InputLength, 51);
        var w = Seeds.Uniform((int)d.WeightLength, 52);
        var dy = Seeds.Uniform((int)d.OutputLength, 53);
        var y = ReferenceConv.Forward(d, x, w);
        var dx = ReferenceConv.BackwardData(d, dy, w);
        var dw = ReferenceConv.BackwardFilter(d, x, dy);
        using var gx = Up(x);
        using var gw = Up(w);
        using var gdy = Up(dy);
        using var gy = Gpu.Allocate(DType.Float32, d.OutputLength);
        using var gdx = Gpu.Allocate(DType.Float32, d.InputLength);
        using var gdw = Gpu.Allocate(DType.Float32, d.WeightLength);
        Gpu.Conv2DForward(d, gx, gw, gy);
        Gpu.Conv2DBackwardData(d, gdy, gw, gdx);
        Gpu.Conv2DBackwardFilter(d, gx, gdy, gdw);
        TensorAssert.Close(y, Down(gy), 1e-4, Rtol, $"Conv2DForward {variant} {d}");
        TensorAssert.Close(dx, Down(gdx), 1e-4, Rtol, $"Conv2DBackwardData {variant} {d}");
        TensorAssert.Close(dw, Down(gdw), 1e-3, Rtol, $"Conv2DBackwardFilter {variant} {d}");
        var cpu = RunCpu(c =>
        {
            using var cx = Up(c, Seeds.ToFloat(x));
            using var cw = Up(c, Seeds.ToFloat(w));
            using var cdy = Up(c, Seeds.ToFloat(dy));
            using var cy = c.Allocate(DType.Float32, d.OutputLength);
            using var cdx = c.Allocate(DType.Float32, d.InputLength);
            using var cdw = c.Allocate(DType.Float32, d.WeightLength);
            c.Conv2DForward(d, cx, cw, cy);
            c.Conv2DBackwardData(d, cdy, cw, cdx);
            c.Conv2DBackwardFilter(d, cx, cdy, cdw);
            return [Down(c, cy), Down(c, cdx), Down(c, cdw)];
        });
        TensorAssert.Close(D(cpu[0]), Down(gy), 1e-4, Rtol, $"Conv2DForward {variant} {d} vs CPU backend");
        TensorAssert.Close(D(cpu[1]), Down(gdx), 1e-4, Rtol, $"Conv2DBackwardData {variant} {d} vs CPU backend");
        TensorAssert.Close(D(cpu[2]), Down(gdw), 1e-3, Rtol, $"Conv2DBackwardFilter {variant} {d} vs CPU backend");
    }

    private static float[][] RunCpu(Func<IBackend, float[][]> body) => body(Cpu);

    [GpuFact]
    public void PoolingForwardAndBackwardMatchReference()
    {
        foreach (var kind in new[] { PoolKind.Max, PoolKind.Average })
        {
            CheckPool(new Pool2DDescriptor(kind, 1, 3, 7, 7, 3, 1, 1));
            CheckPool(new Pool2DDescriptor(kind, 2, 5, 7, 6, 3, 2, 1));
            CheckPool(new Pool2DDescriptor(kind, 1, 2, 6, 7, 2, 2, 0));
            CheckPool(new Pool2DDescriptor(kind, 1, 1, 5, 5, 5, 1, 2));
        }
    }

    private void CheckPool(Pool2DDescriptor d)
    {
        d.Validate();
        var x = Seeds.Distinct((int)d.InputLength, 61);
        var dy = Seeds.Uniform((int)d.OutputLength, 62);
        var y = ReferencePool.Forward(d, x);
        var dx = ReferencePool.Backward(d, x, dy);
        using var gx = Up(x);
        using var gdy = Up(dy);
        using var gy = Gpu.Allocate(DType.Float32, d.OutputLength);
        using var gdx = Gpu.Allocate(DType.Float32, d.InputLength);
        Gpu.Pool2DForward(d, gx, gy);
        Gpu.Pool2DBackward(d, gx, gy, gdy, gdx);
        TensorAssert.Close(y, Down(gy), 1e-6, 1e-5, $"Pool2DForward {d}");
        TensorAssert.Close(dx, Down(gdx), 1e-5, 1e-5, $"Pool2DBackward {d}");
        var cpu = RunCpu(c =>
        {
            using var cx = Up(c, Seeds.ToFloat(x));
            using var cdy = Up(c, Seeds.ToFloat(dy));
            using var cy = c.Allocate(DType.Float32, d.OutputLength);
            using var cdx = c.Allocate(DType.Float32, d.InputLength);
            c.Pool2DForward(d, cx, cy);
            c.Pool2DBackward(d, cx, cy, cdy, cdx);
            return [Down(c, cy), Down(c, cdx)];
        });
        TensorAssert.Close(D(cpu[0]), Down(gy), 1e-6, 1e-5, $"Pool2DForward {d} vs CPU backend");
        TensorAssert.Close(D(cpu[1]), Down(gdx), 1e-5, 1e-5, $"Pool2DBackward {d} vs CPU backend");
    }

    [GpuFact]
    public void MaxPoolBackwardRoutesToFirstMaximumOfTies()
    {
        var d = new Pool2DDescriptor(PoolKind.Max, 1, 1, 3, 3, 2, 1, 0);
        var x = new double[] { 1, 4, 4, 4, 0, 2, 4, 3, 1 };
        var dy = new double[] { 1, 10, 100, 1000 };
        var dx = ReferencePool.Backward(d, x, dy);
        using var gx = Up(x);
        using var gdy = Up(dy);
        using var gy = Gpu.Allocate(DType.Float32, 4);
        using var gdx = Gpu.Allocate(DType.Float32, 9);
        Gpu.Pool2DForward(d, gx, gy);
        Gpu.Pool2DBackward(d, gx, gy, gdy, gdx);
        Assert.Equal(new float[] { 4, 4, 4, 3 }, Down(gy));
        Assert.Equal(new double[] { 0, 11, 0, 100, 0, 0, 0, 1000, 0 }, dx);
        TensorAssert.Close(dx, Down(gdx), 0, 0, "first-max routing");
    }

    [GpuFact]
    public void BatchNormTrainingInferenceAndBackwardMatchReference()
    {
        CheckBatchNorm(new BatchNormDescriptor(2, 3, 7), affine: true);
        CheckBatchNorm(new BatchNormDescriptor(1, 5, 9), affine: false);
        CheckBatchNorm(new BatchNormDescriptor(7, 3, 1, Epsilon: 1e-3, Momentum: 0.2), affine: true);
    }

    private void CheckBatchNorm(BatchNormDescriptor d, bool affine)
    {
        var x = Seeds.Uniform((int)d.Length, 71, -2, 3);
        var dy = Seeds.Uniform((int)d.Length, 72);
        double[]? gamma = affine ? Seeds.Uniform(d.C, 73, 0.5, 1.5) : null;
        double[]? beta = affine ? Seeds.Uniform(d.C, 74) : null;
        var rm0 = Seeds.Uniform(d.C, 75);
        var rv0 = Seeds.Uniform(d.C, 76, 0.5, 2);
        var (mean, variance) = ReferenceBatchNorm.Statistics(d, x);
        var y = ReferenceBatchNorm.Normalize(d, x, mean, variance, gamma, beta);
        var inv = Array.ConvertAll(variance, v => 1 / Math.Sqrt(v + d.Epsilon));
        var (dx, dg, db) = ReferenceBatchNorm.Backward(d, x, dy, gamma);
        var (rm, rv) = ReferenceBatchNorm.UpdateRunning(d, x, rm0, rv0);
        var yInf = ReferenceBatchNorm.Normalize(d, x, rm0, rv0, gamma, beta);
        using var gx = Up(x);
        using var gdy = Up(dy);
        using var gg = gamma is null ? null : Up(gamma);
        using var gb = beta is null ? null : Up(beta);
        using var grm = Up(rm0);
        using var grv = Up(rv0);
        using var gy = Gpu.Allocate(DType.Float32, d.Length);
        using var gyInf = Gpu.Allocate(DType.Float32, d.Length);
        using var gmean = Gpu.Allocate(DType.Float32, d.C);
        using var ginv = Gpu.Allocate(DType.Float32, d.C);
        using var gdx = Gpu.Allocate(DType.Float32, d.Length);
        using var gdg = Gpu.Allocate(DType.Float32, d.C);
        using var gdb = Gpu.Allocate(DType.Float32, d.C);
        Gpu.BatchNormForwardInference(d, gx, gg, gb, grm, grv, gyInf);
        Gpu.BatchNormForwardTraining(d, gx, gg, gb, gy, gmean, ginv, grm, grv);
        Gpu.BatchNormBackward(d, gx, gdy, gg, gmean, ginv, gdx, gdg, gdb);
        string ctx = $"BatchNorm {d} affine={affine}";
        TensorAssert.Close(y, Down(gy), 1e-5, 1e-4, ctx + " y");
        TensorAssert.Close(mean, Down(gmean), 1e-6, 1e-5, ctx + " mean");
        TensorAssert.Close(inv, Down(ginv), 1e-5, 1e-4, ctx + " invStd");
        TensorAssert.Close(rm, Down(grm), 1e-6, 1e-5, ctx + " running mean");
        TensorAssert.Close(rv, Down(grv), 1e-5, 1e-4, ctx + " running var");
        TensorAssert.Close(yInf, Down(gyInf), 1e-5, 1e-4, ctx + " inference");
        TensorAssert.Close(dx, Down(gdx), 1e-4, 1e-3, ctx + " dx");
        TensorAssert.Close(dg, Down(gdg), 1e-4, 1e-4, ctx + " dgamma");
        TensorAssert.Close(db, Down(gdb), 1e-5, 1e-4, ctx + " dbeta");
        var cpu = RunCpu(c =>
        {
            using var cx = Up(c, Seeds.ToFloat(x));
            using var cdy = Up(c, Seeds.ToFloat(dy));
            using var cg = gamma is null ? null : Up(c, Seeds.ToFloat(gamma));
            using var cb = beta is null ? null : Up(c, Seeds.ToFloat(beta));
            using var cy = c.Allocate(DType.Float32, d.Length);
            using var cmean = c.Allocate(DType.Float32, d.C);
            using var cinv = c.Allocate(DType.Float32, d.C);
            using var cdx = c.Allocate(DType.Float32, d.Length);
            using var cdg = c.Allocate(DType.Float32, d.C);
            using var cdb = c.Allocate(DType.Float32, d.C);
            c.BatchNormForwardTraining(d, cx, cg, cb, cy, cmean, cinv, null, null);
            c.BatchNormBackward(d, cx, cdy, cg, cmean, cinv, cdx, cdg, cdb);
            return [Down(c, cy), Down(c, cdx), Down(c, cdg), Down(c, cdb)];
        });
        TensorAssert.Close(D(cpu[0]), Down(gy), 1e-5, 1e-4, ctx + " y vs CPU backend");
        TensorAssert.Close(D(cpu[1]), Down(gdx), 1e-4, 1e-3, ctx + " dx vs CPU backend");
        TensorAssert.Close(D(cpu[2]), Down(gdg), 1e-4, 1e-4, ctx + " dgamma vs CPU backend");
        TensorAssert.Close(D(cpu[3]), Down(gdb), 1e-5, 1e-4, ctx + " dbeta vs CPU backend");
    }

    [GpuFact]
    public void LogSoftmaxForwardAndBackwardMatchReference()
    {
        foreach (var (rows, cols) in new[] { (3, 7), (1, 1), (2, 300) })
        {
            var x = Seeds.Uniform(rows * cols, 81, -4, 4);
            var dy = Seeds.Uniform(rows * cols, 82);
            var y = ReferenceSoftmax.LogSoftmax(x, rows, cols);
            using var gx = Up(x);
            using var gy = Gpu.Allocate(DType.Float32, rows * cols);
            using var gdy = Up(dy);
            using var gdx = Gpu.Allocate(DType.Float32, rows * cols);
            Gpu.LogSoftmax(rows, cols, gx, gy);
            var actualY = Down(gy);
            Gpu.LogSoftmaxBackward(rows, cols, gy, gdy, gdx);
            TensorAssert.Close(y, actualY, 1e-5, 1e-5, $"LogSoftmax {rows}x{cols}");
            TensorAssert.Close(ReferenceSoftmax.LogSoftmaxBackward(D(actualY), dy, rows, cols), Down(gdx), 1e-5, 1e-4,
                $"LogSoftmaxBackward {rows}x{cols}");
        }
    }

    [GpuFact]
    public void HighwayForwardAndBackwardMatchTheCpuBackend()
    {
        foreach (var (act, rows, hidden) in new[] { ("tanh", 3, 7), ("relu", 1, 1), ("identity", 16, 64), ("sigmoid", 5, 33) })
        {
            var pre = Seeds.ToFloat(Seeds.Uniform(rows * 2 * hidden, 101, -3, 3));
            var prev = Seeds.ToFloat(Seeds.Uniform(rows * hidden, 102, -2, 2));
            var dy = Seeds.ToFloat(Seeds.Uniform(rows * hidden, 103));
            float[] RunOn(IBackend backend, int which)
            {
                using var bPre = Up(backend, pre);
                using var bPrev = Up(backend, prev);
                using var bDy = Up(backend, dy);
                using var y = backend.Allocate(DType.Float32, rows * hidden);
                using var dPre = backend.Allocate(DType.Float32, rows * 2 * hidden);
                using var dPrev = backend.Allocate(DType.Float32, rows * hidden);
                Parity.CpuHighwayParityTests.Run(act, backend, rows, hidden, bPre, bPrev, y, bDy, null, null, false);
                Parity.CpuHighwayParityTests.Run(act, backend, rows, hidden, bPre, bPrev, y, bDy, dPre, dPrev, true);
                return Down(backend, which == 0 ? y : which == 1 ? dPre : dPrev);
            }
            foreach (var (which, label) in new[] { (0, "y"), (1, "d(pre)"), (2, "d(prev)") })
                TensorAssert.Close(D(RunOn(Cpu, which)), RunOn(Gpu, which), Atol, Rtol, $"highway {act} [{rows}, {hidden}] {label}");
        }
    }

    [GpuFact]
    public void GatherAndScatterAddWithRepeatedIndices()
    {
        int rows = 5, len = 3;
        var table = D(Seeds.ToFloat(Seeds.Uniform(rows * len, 91))); // exactly representable in float
        int[] idx = [4, 0, 4, 2, 4, 1, 0];
        var values = Seeds.Uniform(idx.Length * len, 92);
        var gathered = new double[idx.Length * len];
        var scattered = (double[])table.Clone();
        for (int r = 0; r < idx.Length; r++)
        for (int j = 0; j < len; j++)
        {
            gathered[r * len + j] = table[idx[r] * len + j];
            scattered[idx[r] * len + j] += values[r * len + j];
        }
        using var gt = Up(table);
        using var gi = UpInt(idx);
        using var gv = Up(values);
        using var go = Gpu.Allocate(DType.Float32, gathered.Length);
        Gpu.Gather(gt, gi, go, idx.Length, len);
        TensorAssert.Close(gathered, Down(go), 0, 0, "Gather");
        Gpu.ScatterAdd(gv, gi, gt, idx.Length, len);
        TensorAssert.Close(scattered, Down(gt), 1e-6, 1e-6, "ScatterAdd");
    }

    [GpuFact]
    public void OptimizerStepsMatchReference()
    {
        int n = 29;
        foreach (var s in new[]
                 {
                     new SgdSettings(0.1f, 0f, 0f, false), new SgdSettings(0.05f, 0.9f, 1e-3f, false),
                     new SgdSettings(0.05f, 0.9f, 0f, true),
                 })
        {
            var p = Seeds.Uniform(n, 101);
            var g = Seeds.Uniform(n, 102);
            var v = Seeds.Uniform(n, 103);
            using var gp = Up(p);
            using var gg = Up(g);
            using var gv = Up(v);
            for (int step = 0; step < 2; step++)
            {
                OptimizerReference.Sgd(s.LearningRate, s.Momentum, s.WeightDecay, s.Nesterov, p, g, v);
                Gpu.SgdUpdate(s, gp, gg, s.Momentum == 0 ? null : gv, n);
            }
            TensorAssert.Close(p, Down(gp), 1e-6, 1e-5, $"Sgd {s} parameter");
            if (s.Momentum != 0) TensorAssert.Close(v, Down(gv), 1e-6, 1e-5, $"Sgd {s} velocity");
        }
        var adam = new AdamSettings(1e-2f, 0.9f, 0.999f, 1e-8f, 1e-4f, 0.19f, 0.001999f);
        var ap = Seeds.Uniform(n, 111);
        var ag = Seeds.Uniform(n, 112);
        var am = Seeds.Uniform(n, 113, -0.1, 0.1);
        var av = Seeds.Uniform(n, 114, 0, 0.1);
        using var gap = Up(ap);
        using var gag = Up(ag);
        using var gam = Up(am);
        using var gav = Up(av);
        OptimizerReference.Adam(adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, 2, ap, ag, am, av);
        Gpu.AdamUpdate(adam, gap, gag, gam, gav, n);
        TensorAssert.Close(ap, Down(gap), 1e-6, 1e-5, "Adam parameter");
        TensorAssert.Close(am, Down(gam), 1e-6, 1e-5, "Adam m");
        TensorAssert.Close(av, Down(gav), 1e-7, 1e-5, "Adam v");
    }
}

public abstract partial class IlgpuParityTests
{
    [GpuFact]
    public void TiledGemmIsCorrectForOtherGroupAndTileSizes()
    {
        var saved = Gpu.Options;
        try
        {
            foreach (var (side, tileK) in new[] { (1, 1), (4, 3), (2, 8) })
            {
                Gpu.Options = saved with { GemmGroupSide = side, GemmTileK = tileK, UseTiledKernels = true };
                CheckGemm(new GemmDescriptor(false, false, 3, 5, 13), $"side {side} tileK {tileK}");
                CheckGemm(new GemmDescriptor(true, true, 17, 18, 5), $"side {side} tileK {tileK}");
                CheckConv(new Conv2DDescriptor(1, 3, 5, 6, 5, 3, 3, 2, 1), $"side {side} tileK {tileK}");
            }
            // Side 4 with M >= 13: 4 x 4 = 16 threads >= BN = 16, so the kernel takes its fixed-column B loader (the
            // path real GPUs use: 16 x 9 threads for 36 channels).
            Gpu.Options = saved with { GemmGroupSide = 4, GemmTileK = 4, UseTiledKernels = true };
            CheckGemm(new GemmDescriptor(false, false, 17, 21, 9), "fixed-column B");
            CheckGemm(new GemmDescriptor(true, false, 13, 18, 7, Ldb: 20, OffsetB: 3), "fixed-column B, ldb");
            CheckConv(new Conv2DDescriptor(1, 14, 5, 6, 16, 3, 3, 2, 1), "fixed-column B");
            CheckConv(new Conv2DDescriptor(2, 13, 6, 5, 15, 5, 5, 1, 2), "fixed-column B");
        }
        finally
        {
            Gpu.Options = saved;
        }
    }
}
