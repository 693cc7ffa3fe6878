using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Dense stride-1 float32 convolution read straight from a zero-padded copy of each image (no im2col, no B packing).
/// In the padded image [C, Hp, Wp] output pixel (oh, ow) of tap (c, r, s) reads index c * plane + (oh + r) * Wp +
/// ow + s, so 32 consecutive outputs of one tap are 32 consecutive floats. When OW is a multiple of 32 the pixel
/// panels are segments of output rows written straight into y ("row mode"); otherwise output pixels are laid out
/// with the padded row stride Wp ("virtual" pixels oh * Wp + ow, the Wp - OW extra columns are computed and dropped)
/// into a scratch tile that is compacted into y. The weight gradient dW = dY x Xᵀ uses the same addressing with
/// 6 x 4 tiles of zmm dot products along the pixels. Images go to threads whole when there are enough of them;
/// otherwise each image's pixel panels (forward) or taps (weight gradient) are split between the threads.
/// </summary>
internal static unsafe class DirectConv
{
    private const int MR = DirectConvKernels.MR, NR = DirectConvKernels.NR;

    /// <summary>Whether the direct path handles <paramref name="d"/> (float32 callers only).</summary>
    public static bool Supports(in Conv2DDescriptor d) =>
        GemmKernels.Wide && System.Runtime.Intrinsics.X86.Avx.IsSupported && d.Stride == 1 && d.Groups == 1 && !(d.R == 1 && d.S == 1 && d.Pad == 0)
        && (long)d.C * (d.H + 2 * d.Pad) * (d.W + 2 * d.Pad) < int.MaxValue / 2;

    /// <summary>Padded-image geometry of one descriptor.</summary>
    private readonly struct Layout
    {
        public readonly int Wp, Plane, OH, OW, Pixels, Padded;

        public Layout(in Conv2DDescriptor d)
        {
            Wp = d.W + 2 * d.Pad;
            Plane = (d.H + 2 * d.Pad) * Wp;
            OH = d.OutH;
            OW = d.OutW;
            Pixels = OH * OW;
            // Virtual pixels read up to S - 1 + 31 floats past the last plane (see Forward); zeroed slack.
            Padded = d.C * Plane + d.S + 64;
        }

        /// <summary>Virtual pixel count rounded up to whole panels.</summary>
        public int Virtual => (OH * Wp + NR - 1) / NR * NR;
    }

    /// <summary>y [N, K, OH, OW] from x [N, C, H, W] and w [K, C, R, S].</summary>
    public static void Forward(Conv2DDescriptor d, float* x, float* w, float* y)
    {
        var l = new Layout(d);
        int crs = d.C * d.R * d.S, kr = (d.K + MR - 1) / MR * MR;
        float* pa = CpuScratch.Get<float>(CpuScratch.Slot.ConvWeights, (long)kr * crs);
        PackWeights(d.K, kr, crs, w, pa);
        int* off = CpuScratch.Get<int>(CpuScratch.Slot.ConvOffsets, crs);
        Offsets(d, l, off);
        bool rowMode = l.OW % NR == 0;
        int panels = rowMode ? l.Pixels / NR : l.Virtual / NR;
        int threads = CpuParallel.MaxThreads;
        if (d.N >= threads || threads == 1)
        {
            int parts = Math.Min(threads, d.N);
            CpuParallel.ForParts(parts, part =>
            {
                var (n0, n1) = Range(d.N, part, parts);
                float* xpad = CpuScratch.Get<float>(CpuScratch.Slot.ConvInput, l.Padded);
                float* tmp = rowMode ? null : CpuScratch.Get<float>(CpuScratch.Slot.ConvOutput, (long)kr * l.Virtual);
                for (int n = n0; n < n1; n++)
                {
                    float* yi = y + (long)n * d.K * l.Pixels;
                    Pad(d, l, x + (long)n * d.C * d.H * d.W, xpad);
                    Panels(l, rowMode, 0, panels, xpad, pa, d.K, kr, crs, off, rowMode ? yi : tmp);
                    if (!rowMode) Compact(d.K, l, tmp, yi);
                }
            });
            return;
        }
        float* xs = CpuScratch.Get<float>(CpuScratch.Slot.ConvInput, l.Padded);
        float* ts = rowMode ? null : CpuScratch.Get<float>(CpuScratch.Slot.ConvOutput, (long)kr * l.Virtual);
        for (int n = 0; n < d.N; n++)
        {
            float* yi = y + (long)n * d.K * l.Pixels;
            Pad(d, l, x + (long)n * d.C * d.H * d.W, xs);
            float* dst = rowMode ? yi : ts;
            CpuParallel.ForParts(threads, part =>
            {
                var (p0, p1) = Range(panels, part, threads);
                Panels(l, rowMode, p0, p1, xs, pa, d.K, kr, crs, off, dst);
            });
            if (!rowMode) Compact(d.K, l, ts, yi);
        }
    }

    /// <summary>
    /// Weight gradient over rows of dy as stored when OW is a multiple of 16 (no padded-row copy of dy); otherwise,
    /// or when false, dy is first copied into the padded-row layout and each dot runs over one long row.
    /// </summary>
    internal static bool FilterRowMode { get; set; } = true;

    /// <summary>Use the unrolled dot tile for rows of exactly 32 pixels (tuning switch for benchmarks).</summary>
    internal static bool Unroll32 { get; set; } = true;

    /// <summary>dw [K, C, R, S] from x [N, C, H, W] and dy [N, K, OH, OW] (overwrites dw).</summary>
    public static void BackwardFilter(Conv2DDescriptor d, float* x, float* dy, float* dw)
    {
        var l = new Layout(d);
        int crs = d.C * d.R * d.S;
        long wl = d.WeightLength;
        int* off = CpuScratch.Get<int>(CpuScratch.Slot.ConvOffsets, crs);
        Offsets(d, l, off);
        bool rowMode = FilterRowMode && l.OW % 16 == 0;
        int v16 = (l.OH * l.Wp + 15) & ~15;
        int threads = CpuParallel.MaxThreads;
        if (d.N >= threads || threads == 1)
        {
            int parts = Math.Min(threads, d.N);
            float* partials = parts > 1 ? CpuScratch.Get<float>(CpuScratch.Slot.Partials, (parts - 1) * wl) : null;
            CpuParallel.ForParts(parts, part =>
            {
                var (n0, n1) = Range(d.N, part, parts);
                float* acc = part == 0 ? dw : partials + (part - 1) * wl;
                new Span<float>(acc, (int)wl).Clear();
                float* xpad = CpuScratch.Get<float>(CpuScratch.Slot.ConvInput, l.Padded);
                float* dyv = rowMode ? null : CpuScratch.Get<float>(CpuScratch.Slot.ConvOutput, (long)d.K * v16);
                for (int n = n0; n < n1; n++)
                {
                    Pad(d, l, x + (long)n * d.C * d.H * d.W, xpad);
                    float* dyi = dy + (long)n * d.K * l.Pixels;
                    if (!rowMode) Virtualize(d.K, l, v16, dyi, dyv);
                    FilterTiles(d.K, l, rowMode, v16, rowMode ? dyi : dyv, xpad, off, acc, crs, 0, crs);
                }
            });
            var total = new Span<float>(dw, (int)wl);
            for (int i = 0; i < parts - 1; i++)
                TensorPrimitives.Add(total, new ReadOnlySpan<float>(partials + i * wl, (int)wl), total);
            return;
        }
        new Span<float>(dw, (int)wl).Clear();
        float* xs = CpuScratch.Get<float>(CpuScratch.Slot.ConvInput, l.Padded);
        float* ds = rowMode ? null : CpuScratch.Get<float>(CpuScratch.Slot.ConvOutput, (long)d.K * v16);
        int tiles = (crs + DirectConvKernels.DotN - 1) / DirectConvKernels.DotN;
        for (int n = 0; n < d.N; n++)
        {
            Pad(d, l, x + (long)n * d.C * d.H * d.W, xs);
            float* dyi = dy + (long)n * d.K * l.Pixels;
            if (!rowMode) Virtualize(d.K, l, v16, dyi, ds);
            float* a = rowMode ? dyi : ds;
            CpuParallel.ForParts(threads, part =>
            {
                var (t0, t1) = Range(tiles, part, threads);
                int q0 = t0 * DirectConvKernels.DotN, q1 = Math.Min(crs, t1 * DirectConvKernels.DotN);
                FilterTiles(d.K, l, rowMode, v16, a, xs, off, dw, crs, q0, q1);
            });
        }
    }

    /// <summary>
    /// acc [K, crs] columns [q0, q1) += dY x Xᵀ for one image: dy as stored (row mode: OH runs of OW pixels, the
    /// image rows Wp apart) or in padded-row layout ([K, v16], one run).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterTiles(int k, in Layout l, bool rowMode, int v16, float* dyi, float* xpad, int* off,
        float* acc, int crs, int q0, int q1)
    {
        const int tm = DirectConvKernels.DotM, tn = DirectConvKernels.DotN;
        int rows = rowMode ? l.OH : 1, len = rowMode ? l.OW : v16;
        long lda = rowMode ? l.Pixels : v16, aStep = rowMode ? l.OW : 0, bStep = rowMode ? l.Wp : 0;
        for (int i = 0; i < k; i += tm)
        {
            int mi = Math.Min(tm, k - i);
            float* a = dyi + i * lda;
            for (int q = q0; q < q1; q += tn)
            {
                int nj = Math.Min(tn, q1 - q);
                float* c = acc + (long)i * crs + q;
                if (mi == tm && nj == tn && len == 32 && Unroll32)
                    DirectConvKernels.Dot32(rows, a, lda, aStep, xpad, off + q, bStep, c, crs);
                else if (mi == tm && nj == tn)
                    DirectConvKernels.Dot(rows, len, a, lda, aStep, xpad, off + q, bStep, c, crs);
                else
                    DirectConvKernels.DotEdge(mi, nj, rows, len, a, lda, aStep, xpad, off + q, bStep, c, crs);
            }
        }
    }

    /// <summary>Pads one image into this thread's scratch (benchmarks time the copy alone).</summary>
    internal static void PadForTiming(in Conv2DDescriptor d, float* x)
    {
        var l = new Layout(d);
        Pad(d, l, x, CpuScratch.Get<float>(CpuScratch.Slot.ConvInput, l.Padded));
    }

    /// <summary>Use the two-panel kernel (tuning switch for benchmarks).</summary>
    internal static bool PairPanels { get; set; } = true;

    /// <summary>
    /// Output panels [p0, p1) of one image: every 6-channel block of each 32-pixel panel, two panels at a time (the
    /// two panels' input rows stay in L1 while the weight blocks stream from L2 once per pair). In row mode a last
    /// block past channel k goes through a small tile and only its real rows are copied out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Panels(in Layout l, bool rowMode, int p0, int p1, float* xpad, float* pa, int k, int kr,
        int crs, int* off, float* dst)
    {
        long ldc = rowMode ? l.Pixels : l.Virtual;
        int perRow = l.OW / NR, full = rowMode ? k / MR * MR : kr;
        float* edge = stackalloc float[MR * 2 * NR];
        int p = p0;
        while (p < p1)
        {
            bool pair = PairPanels && p + 1 < p1;
            var (pb0, pc0) = Panel(l, rowMode, perRow, p, xpad, dst);
            var (pb1, pc1) = pair ? Panel(l, rowMode, perRow, p + 1, xpad, dst) : (0, 0);
            float* b0 = (float*)pb0, c0 = (float*)pc0, b1 = (float*)pb1, c1 = (float*)pc1;
            for (int kb = 0; kb < kr; kb += MR)
            {
                float* a = pa + (long)kb * crs;
                bool direct = kb < full;
                float* t0 = direct ? c0 + kb * ldc : edge, t1 = direct ? c1 + kb * ldc : edge + NR;
                long ld = direct ? ldc : 2 * NR;
                if (pair) DirectConvKernels.Forward2(crs, a, b0, b1, off, t0, t1, ld);
                else DirectConvKernels.Forward(crs, a, b0, off, t0, ld);
                if (direct) continue;
                for (int r = 0; r < k - kb; r++)
                {
                    new ReadOnlySpan<float>(edge + r * 2 * NR, NR).CopyTo(new Span<float>(c0 + (kb + r) * ldc, NR));
                    if (pair)
                        new ReadOnlySpan<float>(edge + r * 2 * NR + NR, NR).CopyTo(new Span<float>(c1 + (kb + r) * ldc, NR));
                }
            }
            p += pair ? 2 : 1;
        }
    }

    /// <summary>Input base and output tile of panel p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (nint B, nint C) Panel(in Layout l, bool rowMode, int perRow, int p, float* xpad, float* dst)
    {
        if (!rowMode) return ((nint)(xpad + p * NR), (nint)(dst + p * NR));
        int oh = p / perRow, ow = (p - oh * perRow) * NR;
        return ((nint)(xpad + oh * l.Wp + ow), (nint)(dst + oh * l.OW + ow));
    }

    /// <summary>w [K, crs] -> [kr / 6][crs][6], rows past K zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackWeights(int k, int kr, int crs, float* w, float* pa)
    {
        for (int kb = 0; kb < kr; kb += MR)
        for (int q = 0; q < crs; q++)
        {
            float* dst = pa + ((long)kb * crs + (long)q * MR);
            for (int i = 0; i < MR; i++) dst[i] = kb + i < k ? w[(long)(kb + i) * crs + q] : 0f;
        }
    }

    /// <summary>off[(c, r, s)] = c * plane + r * Wp + s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Offsets(in Conv2DDescriptor d, in Layout l, int* off)
    {
        int q = 0;
        for (int c = 0; c < d.C; c++)
        for (int r = 0; r < d.R; r++)
        for (int s = 0; s < d.S; s++)
            off[q++] = c * l.Plane + r * l.Wp + s;
    }

    /// <summary>Zero-padded copy of one image x [C, H, W] -> [C, Hp, Wp] plus zeroed slack.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad(in Conv2DDescriptor d, in Layout l, float* x, float* xpad)
    {
        int pad = d.Pad, wp = l.Wp, hp = d.H + 2 * pad;
        for (int c = 0; c < d.C; c++)
        {
            float* src = x + (long)c * d.H * d.W, dst = xpad + (long)c * l.Plane;
            new Span<float>(dst, pad * wp + pad).Clear();
            for (int h = 0; h < d.H; h++)
            {
                float* row = dst + (h + pad) * wp;
                new ReadOnlySpan<float>(src + h * d.W, d.W).CopyTo(new Span<float>(row + pad, d.W));
                // Right padding of this row and left padding of the next are adjacent.
                new Span<float>(row + pad + d.W, 2 * pad).Clear();
            }
            new Span<float>(dst + (pad + d.H) * wp + pad, (hp - pad - d.H) * wp - pad).Clear();
        }
        new Span<float>(xpad + (long)d.C * l.Plane, l.Padded - d.C * l.Plane).Clear();
    }

    /// <summary>tmp [K, virtual pixels] -> y [K, OH, OW].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compact(int k, in Layout l, float* tmp, float* y)
    {
        for (int i = 0; i < k; i++)
        {
            float* src = tmp + (long)i * l.Virtual, dst = y + (long)i * l.Pixels;
            for (int oh = 0; oh < l.OH; oh++)
                new ReadOnlySpan<float>(src + oh * l.Wp, l.OW).CopyTo(new Span<float>(dst + oh * l.OW, l.OW));
        }
    }

    /// <summary>dy [K, OH, OW] -> dyv [K, v16] laid out with row stride Wp, zero outside the real pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Virtualize(int k, in Layout l, int v16, float* dy, float* dyv)
    {
        for (int i = 0; i < k; i++)
        {
            float* src = dy + (long)i * l.Pixels, dst = dyv + (long)i * v16;
            for (int oh = 0; oh < l.OH; oh++)
            {
                new ReadOnlySpan<float>(src + oh * l.OW, l.OW).CopyTo(new Span<float>(dst + oh * l.Wp, l.OW));
                new Span<float>(dst + oh * l.Wp + l.OW, l.Wp - l.OW).Clear();
            }
            new Span<float>(dst + l.OH * l.Wp, v16 - l.OH * l.Wp).Clear();
        }
    }

    private static (int Start, int End) Range(int count, int part, int parts) =>
        ((int)((long)count * part / parts), (int)((long)count * (part + 1) / parts));
}
