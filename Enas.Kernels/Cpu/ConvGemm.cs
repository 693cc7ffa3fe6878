using System.Numerics;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Dense and grouped convolution as GEMMs per image and group, with per-thread column scratch:
/// forward y_g [Kg, P] = w_g [Kg, CgRS] x col_g [CgRS, P]; backward-data col_g = w_gᵀ x dy_g then col2im;
/// backward-filter dw_g += dy_g x col_gᵀ summed over images (one partial per thread, reduced at the end).
/// A 1x1, stride-1, unpadded convolution uses the image itself as its column matrix. With at least as many images
/// as threads each thread takes whole images; otherwise images run in turn and each GEMM is split across threads.
/// Dense stride-1 float32 convolutions (and stride-1 backward-data, as a forward with the flipped filter) go to
/// <see cref="DirectConv"/> instead when it supports them; this GEMM path stays for strides, groups and float64.
/// </summary>
internal static unsafe class ConvGemm
{
    /// <summary>Output pixels per packed B block when im2col is fused into packing (at most 1 MiB at depth 256).</summary>
    private const int FusedColumnBlock = 1024;

    private static bool IsPointwise(in Conv2DDescriptor d) => d.R == 1 && d.S == 1 && d.Stride == 1 && d.Pad == 0;

    private static int Parts(in Conv2DDescriptor d) => d.N >= CpuParallel.MaxThreads ? CpuParallel.MaxThreads : 1;

    /// <summary>y [N, K, OH, OW] from x [N, C, H, W] and w [K, C/G, R, S].</summary>
    public static void Forward<T>(Conv2DDescriptor d, T* x, T* w, T* y) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) && DirectConv.Supports(d))
        {
            DirectConv.Forward(d, (float*)x, (float*)w, (float*)y);
            return;
        }
        int parts = Parts(d);
        bool splitGemm = parts == 1 && CpuParallel.MaxThreads > 1;
        int p = d.OutH * d.OutW, kg = d.KPerGroup, crs = d.CPerGroup * d.R * d.S;
        bool fused = typeof(T) == typeof(float) && !splitGemm && !IsPointwise(d);
        CpuParallel.ForParts(parts, part =>
        {
            var (n0, n1) = Range(d.N, part, parts);
            if (fused)
            {
                for (int n = n0; n < n1; n++)
                {
                    float* xi = (float*)x + (long)n * d.C * d.H * d.W;
                    float* yi = (float*)y + (long)n * d.K * p;
                    for (int g = 0; g < d.Groups; g++)
                    {
                        var packer = new Im2ColPackB(d, xi + (long)g * d.CPerGroup * d.H * d.W);
                        Sgemm.Packed(ref packer, false, kg, p, crs, 1f, (float*)w + (long)g * kg * crs, crs, 0f,
                            yi + (long)g * kg * p, p, FusedColumnBlock);
                    }
                }
                return;
            }
            T* col = IsPointwise(d) ? null : CpuScratch.Get<T>(CpuScratch.Slot.Columns, (long)d.C * d.R * d.S * p);
            for (int n = n0; n < n1; n++)
            {
                T* xi = x + (long)n * d.C * d.H * d.W;
                T* yi = y + (long)n * d.K * p;
                T* src = xi;
                if (col != null)
                {
                    Im2Col.Forward(d, xi, col);
                    src = col;
                }
                for (int g = 0; g < d.Groups; g++)
                    Gemm(splitGemm, false, false, kg, p, crs, w + (long)g * kg * crs, crs, src + (long)g * crs * p, p,
                        0f, yi + (long)g * kg * p, p);
            }
        });
    }

    /// <summary>dx [N, C, H, W] from dy [N, K, OH, OW] and w [K, C/G, R, S].</summary>
    public static void BackwardData<T>(Conv2DDescriptor d, T* dy, T* w, T* dx) where T : unmanaged, INumber<T>
    {
        var t = new Conv2DDescriptor(d.N, d.K, d.OutH, d.OutW, d.C, d.R, d.S, 1, d.R - 1 - d.Pad, d.Groups);
        if (typeof(T) == typeof(float) && d.Stride == 1 && d.R == d.S && d.Pad <= d.R - 1 && !IsPointwise(d)
            && (d.N >= CpuParallel.MaxThreads || DirectConv.Supports(t)))
        {
            // Stride 1: dx is the forward convolution of dy (padding R - 1 - pad) with the flipped, channel-swapped
            // filter, so it takes the direct (or fused-im2col) forward path instead of GEMM + col2im.
            float* flipped = CpuScratch.Get<float>(CpuScratch.Slot.Partials, d.WeightLength);
            FlipFilter(d, (float*)w, flipped);
            Forward(t, (float*)dy, flipped, (float*)dx);
            return;
        }
        int parts = Parts(d);
        bool splitGemm = parts == 1 && CpuParallel.MaxThreads > 1;
        int p = d.OutH * d.OutW, kg = d.KPerGroup, crs = d.CPerGroup * d.R * d.S;
        CpuParallel.ForParts(parts, part =>
        {
            var (n0, n1) = Range(d.N, part, parts);
            bool direct = IsPointwise(d);
            T* col = direct ? null : CpuScratch.Get<T>(CpuScratch.Slot.Columns, (long)d.C * d.R * d.S * p);
            for (int n = n0; n < n1; n++)
            {
                T* dyi = dy + (long)n * d.K * p;
                T* dxi = dx + (long)n * d.C * d.H * d.W;
                T* dst = direct ? dxi : col;
                for (int g = 0; g < d.Groups; g++)
                    Gemm(splitGemm, true, false, crs, p, kg, w + (long)g * kg * crs, crs, dyi + (long)g * kg * p, p,
                        0f, dst + (long)g * crs * p, p);
                if (!direct) Im2Col.Backward(d, col, dxi);
            }
        });
    }

    /// <summary>dw [K, C/G, R, S] from x [N, C, H, W] and dy [N, K, OH, OW] (overwrites dw).</summary>
    public static void BackwardFilter<T>(Conv2DDescriptor d, T* x, T* dy, T* dw) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float) && DirectConv.Supports(d))
        {
            DirectConv.BackwardFilter(d, (float*)x, (float*)dy, (float*)dw);
            return;
        }
        int parts = Parts(d);
        bool splitGemm = parts == 1 && CpuParallel.MaxThreads > 1;
        int p = d.OutH * d.OutW, kg = d.KPerGroup, crs = d.CPerGroup * d.R * d.S;
        long wl = d.WeightLength;
        bool dot = typeof(T) == typeof(float) && !splitGemm && GemmDot.Supported;
        T* partials = parts > 1 ? CpuScratch.Get<T>(CpuScratch.Slot.Partials, (parts - 1) * wl) : null;
        CpuParallel.ForParts(parts, part =>
        {
            var (n0, n1) = Range(d.N, part, parts);
            T* acc = part == 0 ? dw : partials + (part - 1) * wl;
            if (dot && !IsPointwise(d))
            {
                for (int n = n0; n < n1; n++)
                {
                    float* xi = (float*)x + (long)n * d.C * d.H * d.W;
                    float* dyi = (float*)dy + (long)n * d.K * p;
                    for (int g = 0; g < d.Groups; g++)
                        GemmDot.RunIm2Col(d, xi + (long)g * d.CPerGroup * d.H * d.W, kg, dyi + (long)g * kg * p, p,
                            (float*)acc + (long)g * kg * crs, crs, n != n0);
                }
                return;
            }
            T* col = IsPointwise(d) ? null : CpuScratch.Get<T>(CpuScratch.Slot.Columns, (long)d.C * d.R * d.S * p);
            for (int n = n0; n < n1; n++)
            {
                T* xi = x + (long)n * d.C * d.H * d.W;
                T* dyi = dy + (long)n * d.K * p;
                T* src = xi;
                if (col != null)
                {
                    Im2Col.Forward(d, xi, col);
                    src = col;
                }
                float beta = n == n0 ? 0f : 1f;
                for (int g = 0; g < d.Groups; g++)
                {
                    T* dyg = dyi + (long)g * kg * p, colg = src + (long)g * crs * p, accg = acc + (long)g * kg * crs;
                    if (dot)
                        GemmDot.Run(kg, crs, p, (float*)dyg, p, (float*)colg, p, (float*)accg, crs, n != n0);
                    else
                        Gemm(splitGemm, false, true, kg, crs, p, dyg, p, colg, p, beta, accg, crs);
                }
            }
        });
        var total = new Span<T>(dw, (int)wl);
        for (int i = 0; i < parts - 1; i++)
            TensorPrimitives.Add(total, new ReadOnlySpan<T>(partials + i * wl, (int)wl), total);
    }

    /// <summary>w [K, C/G, R, S] -> w' [C, K/G, R, S] with w'[g, c, k, R-1-r, S-1-s] = w[g, k, c, r, s].</summary>
    private static void FlipFilter(in Conv2DDescriptor d, float* w, float* flipped)
    {
        int kg = d.KPerGroup, cg = d.CPerGroup, rs = d.R * d.S;
        for (int g = 0; g < d.Groups; g++)
        for (int k = 0; k < kg; k++)
        for (int c = 0; c < cg; c++)
        {
            float* src = w + ((long)(g * kg + k) * cg + c) * rs;
            float* dst = flipped + ((long)(g * cg + c) * kg + k) * rs;
            for (int i = 0; i < rs; i++) dst[i] = src[rs - 1 - i];
        }
    }

    private static (int Start, int End) Range(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));

    private static void Gemm<T>(bool split, bool transA, bool transB, int m, int n, int k, T* a, int lda, T* b,
        int ldb, float beta, T* c, int ldc) where T : unmanaged, INumber<T>
    {
        if (split)
            Sgemm.Run(new GemmDescriptor(transA, transB, m, n, k, 1f, beta, lda, ldb, ldc), a, b, c);
        else
            Sgemm.SerialAny(transA, transB, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }
}
