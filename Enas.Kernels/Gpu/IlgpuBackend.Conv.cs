using Enas.Kernels.Diagnostics;
using Enas.Kernels.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Enas.Kernels.Gpu;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    public void Gemm(in GemmDescriptor descriptor, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c)
    {
        CheckFloat32(a);
        var d = descriptor;
        if (d.M <= 0 || d.N <= 0 || d.BatchCount <= 0) return;
        using var scope = KernelEvents.Scope("Gemm", descriptor, ShortName);
        var p = new TileArgs
        {
            M = d.M, N = d.N, K = d.K, Splits = 1, KChunk = Math.Max(d.K, 1),
            TransA = d.TransA ? 1 : 0, TransB = d.TransB ? 1 : 0,
            Lda = d.LeadingA, Ldb = d.LeadingB, Ldc = d.LeadingC,
            OffA = (int)d.OffsetA, OffB = (int)d.OffsetB, OffC = (int)d.OffsetC,
            StrideA = (int)d.StrideA, StrideB = (int)d.StrideB, StrideC = (int)d.StrideC,
            Alpha = d.Alpha, Beta = d.Beta,
        };
        LaunchProblem<GemmProblem>("Gemm", p, d.BatchCount, F(a), F(b), F(c));
    }

    /// <inheritdoc />
    public void Conv2DForward(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer w, DeviceBuffer y)
    {
        CheckFloat32(x);
        var d = descriptor;
        using var scope = KernelEvents.Scope("Conv2DForward", descriptor, ShortName);
        var p = TileArgs.ForConv(d);
        if (d.IsDepthwise)
        {
            _kernels.Get("DepthwiseForward", static a =>
                a.LoadAutoGroupedKernel<Index1D, TileArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    DepthwiseKernels.Forward))(_stream, (int)d.OutputLength, p, F(x), F(w), F(y));
            return;
        }
        p.M = d.KPerGroup;
        p.N = d.N * d.OutH * d.OutW;
        p.K = d.CPerGroup * d.R * d.S;
        p.KChunk = p.K;
        LaunchProblem<ConvForwardProblem>("ConvForward", p, d.Groups, F(w), F(x), F(y));
    }

    /// <inheritdoc />
    public void Conv2DBackwardData(in Conv2DDescriptor descriptor, DeviceBuffer dy, DeviceBuffer w, DeviceBuffer dx)
    {
        CheckFloat32(dy);
        var d = descriptor;
        using var scope = KernelEvents.Scope("Conv2DBackwardData", descriptor, ShortName);
        var p = TileArgs.ForConv(d);
        if (d.IsDepthwise)
        {
            _kernels.Get("DepthwiseBackwardData", static a =>
                a.LoadAutoGroupedKernel<Index1D, TileArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    DepthwiseKernels.BackwardData))(_stream, (int)d.InputLength, p, F(dy), F(w), F(dx));
            return;
        }
        p.M = d.CPerGroup;
        p.N = d.N * d.H * d.W;
        p.K = d.KPerGroup * d.R * d.S;
        p.KChunk = p.K;
        LaunchProblem<ConvBackwardDataProblem>("ConvBackwardData", p, d.Groups, F(w), F(dy), F(dx));
    }

    /// <inheritdoc />
    public void Conv2DBackwardFilter(in Conv2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer dy,
        DeviceBuffer dw)
    {
        CheckFloat32(x);
        var d = descriptor;
        using var scope = KernelEvents.Scope("Conv2DBackwardFilter", descriptor, ShortName);
        var p = TileArgs.ForConv(d);
        if (d.IsDepthwise)
        {
            _kernels.Get("DepthwiseBackwardFilter", static a =>
                a.LoadKernel<TileArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    DepthwiseKernels.BackwardFilter))(_stream, GroupConfig((int)d.WeightLength), p, F(x), F(dy), F(dw));
            return;
        }
        p.M = d.KPerGroup;
        p.N = d.CPerGroup * d.R * d.S;
        p.K = d.N * d.OutH * d.OutW;
        p.KChunk = p.K;
        if (_options.UseTiledKernels)
        {
            // Few output tiles but a long reduction: split K across grid z and add the partial tiles atomically.
            int tileM = 4 * _options.GemmGroupSide;
            long tiles = (long)CeilDiv(p.M, tileM) * CeilDiv(p.N, tileM) * d.Groups;
            int maxSplits = Math.Max(1, p.K / Math.Max(1, _options.SplitKMinChunk));
            int wantSplits = (int)Math.Clamp(256 / Math.Max(tiles, 1), 1, maxSplits);
            if (wantSplits > 1)
            {
                int chunk = CeilDiv(CeilDiv(p.K, wantSplits), _options.GemmTileK) * _options.GemmTileK;
                p.KChunk = chunk;
                p.Splits = CeilDiv(p.K, chunk);
                FillFloatKernel(_stream, (int)d.WeightLength, F(dw), 0f);
            }
        }
        LaunchProblem<ConvBackwardFilterProblem>("ConvBackwardFilter", p, d.Groups, F(dy), F(x), F(dw));
    }

    /// <summary>Runs a GEMM-shaped problem with the tiled kernel (or the naive one when configured).</summary>
    private void LaunchProblem<TP>(string name, TileArgs p, int batches, ArrayView<float> a, ArrayView<float> b,
        ArrayView<float> c) where TP : struct, ITiledProblem
    {
        if (!_options.UseTiledKernels)
        {
            p.Splits = 1;
            _kernels.Get(name + ".Naive", typeof(TP), static acc =>
                acc.LoadAutoGroupedKernel<Index1D, TileArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                    TiledGemmKernels.Naive<TP>))(_stream, batches * p.M * p.N, p, a, b, c);
            return;
        }
        int side = _options.GemmGroupSide;
        // Short M (ENAS: 36 channels) gets a block tile of exactly ceil(M / 4) * 4 rows instead of 4 * side, so
        // no thread rows are wasted (36 rows: 9 x 16 threads, not 16 x 16 with 28 idle rows).
        int rows = Math.Min(side, CeilDiv(p.M, 4));
        p.TileK = _options.GemmTileK;
        int tileN = 4 * side, tileM = 4 * rows;
        var grid = new Index3D(CeilDiv(p.N, tileN), CeilDiv(p.M, tileM), batches * p.Splits);
        var config = new KernelConfig(grid, new Index3D(side, rows, 1),
            SharedMemoryConfig.RequestDynamic<float>(p.TileK * (tileM + tileN)));
        _kernels.Get(name + ".Tiled", typeof(TP), static acc =>
            acc.LoadKernel<TileArgs, ArrayView<float>, ArrayView<float>, ArrayView<float>>(
                TiledGemmKernels.Tiled<TP>))(_stream, config, p, a, b, c);
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
