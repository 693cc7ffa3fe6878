using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Vector512 depthwise convolution for float32, stride 1. Each plane is first copied into a zero-padded scratch
/// plane, so the inner loops have no bounds checks: an output tile of 4 rows x 32 columns lives in 8 zmm
/// accumulators while the R x S taps stream shifted rows through FMAs. Backward-data is the same correlation of dy
/// with the flipped filter and padding R - 1 - pad. Backward-filter accumulates R x S vector dot products.
/// </summary>
[SkipLocalsInit]
internal static unsafe class DepthwiseFast
{
    private const int RowsPerTile = 4;
    private const int ColsPerTile = 32;
    private const int NarrowRows = 8;
    private const int NarrowCols = 16;

    /// <summary>Whether the fast path handles this descriptor.</summary>
    public static bool Supports(in Conv2DDescriptor d) =>
        Vector512.IsHardwareAccelerated && !ForceGeneric && d.Stride == 1 && d.R == d.S && d.Pad <= d.R - 1;

    /// <summary>Tests set this to exercise the generic depthwise kernels.</summary>
    internal static bool ForceGeneric { get; set; }

    /// <summary>
    /// y [N, C, OH, OW] from x [N, C, H, W] and w [C, 1, R, S]; with <paramref name="reluInput"/> the conv reads
    /// relu(x) (applied while the plane is copied into the padded scratch, bit for bit TensorPrimitives.Max(x, 0)).
    /// </summary>
    public static void Forward(Conv2DDescriptor d, float* x, float* w, float* y, bool reluInput = false) =>
        Correlate(d.N * d.C, d.C, d.H, d.W, d.R, d.S, d.Pad, d.OutH, d.OutW, x, w, y, flip: false, reluInput, null);

    /// <summary>
    /// dx [N, C, H, W] from dy [N, C, OH, OW] and w; with <paramref name="reluMask"/> (the pre-ReLU input x
    /// [N, C, H, W]) each finished plane is multiplied by the ReLU's derivative: dx = x &gt; 0 ? dx : 0.
    /// </summary>
    public static void BackwardData(Conv2DDescriptor d, float* dy, float* w, float* dx, float* reluMask = null) =>
        Correlate(d.N * d.C, d.C, d.OutH, d.OutW, d.R, d.S, d.R - 1 - d.Pad, d.H, d.W, dy, w, dx, flip: true,
            false, reluMask);

    /// <summary>
    /// out[p] = sum_{r,s} w'[c, r, s] * inPadded[p shifted by (r, s)] for every plane p of planes; the input is
    /// relu'd on its way into the padded plane when <paramref name="reluInput"/>, and each output plane is masked by
    /// mask &gt; 0 (same plane layout as the output) when <paramref name="mask"/> is not null.
    /// </summary>
    private static void Correlate(int planes, int channels, int h, int wd, int kr, int ks, int pad, int oh, int ow,
        float* input, float* weights, float* output, bool flip, bool reluInput, float* mask)
    {
        // Planes at most 16 wide (the reduced sizes 14x14 and 7x7) take 8 x 16 tiles: a 4 x 32 tile would compute
        // 2.3x (14 wide) to 4.6x (7 wide) the outputs it keeps.
        bool narrow = ow <= NarrowCols;
        int rowsPer = narrow ? NarrowRows : RowsPerTile, colsPer = narrow ? NarrowCols : ColsPerTile;
        int tileRows = (oh + rowsPer - 1) / rowsPer * rowsPer;
        int tileCols = (ow + colsPer - 1) / colsPer * colsPer;
        int pw = tileCols + ks - 1, ph = tileRows + kr - 1;
        long grain = 1 + 8192 / Math.Max(1, oh * ow * kr * ks);
        CpuParallel.ForBalanced(planes, grain, (start, end) =>
        {
            float* padded = CpuScratch.Get<float>(CpuScratch.Slot.Columns, (long)ph * pw + 16);
            float* taps = stackalloc float[kr * ks];
            new Span<float>(padded, ph * pw).Clear();
            for (long p = start; p < end; p++)
            {
                int c = (int)(p % channels);
                float* wc = weights + (long)c * kr * ks;
                for (int i = 0; i < kr * ks; i++) taps[i] = flip ? wc[kr * ks - 1 - i] : wc[i];
                float* src = input + p * h * wd;
                if (reluInput)
                    for (int i = 0; i < h; i++) CopyRowRelu(src + i * wd, padded + (i + pad) * pw + pad, wd);
                else
                    for (int i = 0; i < h; i++) CopyRow(src + i * wd, padded + (i + pad) * pw + pad, wd);
                float* dst = output + p * oh * ow;
                if (narrow)
                    for (int r0 = 0; r0 < oh; r0 += NarrowRows)
                        TileNarrow(padded + r0 * pw, pw, taps, kr, ks, dst, ow, r0, Math.Min(NarrowRows, oh - r0));
                else
                    for (int r0 = 0; r0 < oh; r0 += RowsPerTile)
                    for (int c0 = 0; c0 < ow; c0 += ColsPerTile)
                        Tile(padded + r0 * pw + c0, pw, taps, kr, ks, dst, ow, r0, c0, Math.Min(RowsPerTile, oh - r0),
                            Math.Min(ColsPerTile, ow - c0));
                if (mask != null) MaskPositive(dst, mask + p * oh * ow, oh * ow);
            }
        });
    }

    /// <summary>Copies a short row with unaligned zmm moves (Span.CopyTo costs more than the copy at 32 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* src, float* dst, int n)
    {
        int i = 0;
        for (; i + 16 <= n; i += 16) Vector512.Load(src + i).Store(dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    /// <summary>
    /// dst = relu(src) for a short row, as one compare and one and-not per vector: x is kept where x &lt;= 0 is false
    /// (positive or NaN) and +0 is written elsewhere (-0 included), which is TensorPrimitives.Max(x, 0) bit for bit.
    /// Rows that are not whole zmm vectors finish with ymm, xmm and scalar-in-xmm steps: a scalar ?: there compiles
    /// to a branch that random signs mispredict half the time (it made the fused 28-wide kernel 1.5x slower).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRowRelu(float* src, float* dst, int n)
    {
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            var v = Vector512.Load(src + i);
            Vector512.AndNot(v, Vector512.LessThanOrEqual(v, Vector512<float>.Zero)).Store(dst + i);
        }
        if (i + 8 <= n)
        {
            var v = Vector256.Load(src + i);
            Vector256.AndNot(v, Vector256.LessThanOrEqual(v, Vector256<float>.Zero)).Store(dst + i);
            i += 8;
        }
        if (i + 4 <= n)
        {
            var v = Vector128.Load(src + i);
            Vector128.AndNot(v, Vector128.LessThanOrEqual(v, Vector128<float>.Zero)).Store(dst + i);
            i += 4;
        }
        for (; i < n; i++)
        {
            var v = Vector128.CreateScalarUnsafe(src[i]);
            dst[i] = Vector128.AndNot(v, Vector128.LessThanOrEqual(v, Vector128<float>.Zero)).ToScalar();
        }
    }

    /// <summary>
    /// g = x &gt; 0 ? g : 0 over one plane (the ReLU's backward, as the unfused kernel computes it), branch-free
    /// down to the last element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaskPositive(float* g, float* x, int n)
    {
        int i = 0;
        for (; i + 16 <= n; i += 16)
        {
            var keep = Vector512.GreaterThan(Vector512.Load(x + i), Vector512<float>.Zero);
            (keep & Vector512.Load(g + i)).Store(g + i);
        }
        if (i + 8 <= n)
        {
            var keep = Vector256.GreaterThan(Vector256.Load(x + i), Vector256<float>.Zero);
            (keep & Vector256.Load(g + i)).Store(g + i);
            i += 8;
        }
        for (; i < n; i++)
        {
            var keep = Vector128.GreaterThan(Vector128.CreateScalarUnsafe(x[i]), Vector128<float>.Zero);
            g[i] = (keep & Vector128.CreateScalarUnsafe(g[i])).ToScalar();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile(float* src, int pw, float* taps, int kr, int ks, float* dst, int ow, int r0, int c0,
        int rows, int cols)
    {
        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default;
        Vector512<float> a20 = default, a21 = default, a30 = default, a31 = default;
        for (int r = 0; r < kr; r++)
        {
            float* row = src + r * pw;
            for (int s = 0; s < ks; s++)
            {
                var wv = Vector512.Create(taps[r * ks + s]);
                float* q = row + s;
                a00 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q), a00);
                a01 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 16), a01);
                a10 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + pw), a10);
                a11 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + pw + 16), a11);
                a20 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 2 * pw), a20);
                a21 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 2 * pw + 16), a21);
                a30 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 3 * pw), a30);
                a31 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 3 * pw + 16), a31);
            }
        }
        float* o = dst + (long)r0 * ow + c0;
        if (rows == RowsPerTile && cols == ColsPerTile)
        {
            a00.Store(o); a01.Store(o + 16);
            a10.Store(o + ow); a11.Store(o + ow + 16);
            a20.Store(o + 2 * ow); a21.Store(o + 2 * ow + 16);
            a30.Store(o + 3 * ow); a31.Store(o + 3 * ow + 16);
            return;
        }
        float* t = stackalloc float[RowsPerTile * ColsPerTile];
        a00.Store(t); a01.Store(t + 16); a10.Store(t + 32); a11.Store(t + 48);
        a20.Store(t + 64); a21.Store(t + 80); a30.Store(t + 96); a31.Store(t + 112);
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(t + i * ColsPerTile, cols).CopyTo(new Span<float>(o + i * ow, cols));
    }

    /// <summary>
    /// An 8-row x 16-column output tile (one zmm per row, 8 independent FMA chains) for planes at most 16 wide; the
    /// taps are applied in the same order as <see cref="Tile"/>, so every output has the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileNarrow(float* src, int pw, float* taps, int kr, int ks, float* dst, int ow, int r0,
        int rows)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> a4 = default, a5 = default, a6 = default, a7 = default;
        for (int r = 0; r < kr; r++)
        {
            float* row = src + r * pw;
            for (int s = 0; s < ks; s++)
            {
                var wv = Vector512.Create(taps[r * ks + s]);
                float* q = row + s;
                a0 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q), a0);
                a1 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + pw), a1);
                a2 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 2 * pw), a2);
                a3 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 3 * pw), a3);
                a4 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 4 * pw), a4);
                a5 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 5 * pw), a5);
                a6 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 6 * pw), a6);
                a7 = Vector512.FusedMultiplyAdd(wv, Vector512.Load(q + 7 * pw), a7);
            }
        }
        float* o = dst + (long)r0 * ow;
        if (rows == NarrowRows && ow == NarrowCols)
        {
            a0.Store(o); a1.Store(o + 16); a2.Store(o + 32); a3.Store(o + 48);
            a4.Store(o + 64); a5.Store(o + 80); a6.Store(o + 96); a7.Store(o + 112);
            return;
        }
        float* t = stackalloc float[NarrowRows * NarrowCols];
        a0.Store(t); a1.Store(t + 16); a2.Store(t + 32); a3.Store(t + 48);
        a4.Store(t + 64); a5.Store(t + 80); a6.Store(t + 96); a7.Store(t + 112);
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(t + i * NarrowCols, ow).CopyTo(new Span<float>(o + i * ow, ow));
    }

    /// <summary>
    /// dw [C, 1, R, S] = sum over images and pixels of dy [N, C, OH, OW] * shifted padded x [N, C, H, W] (overwrites
    /// dw); with <paramref name="reluInput"/> the padded copy holds relu(x), as the forward read it.
    /// </summary>
    public static void BackwardFilter(Conv2DDescriptor d, float* x, float* dy, float* dw, bool reluInput = false)
    {
        int oh = d.OutH, ow = d.OutW, kr = d.R, ks = d.S, pad = d.Pad;
        int chunks = (ow + 15) / 16, vectors = oh * chunks;
        int pw = chunks * 16 + ks - 1, ph = oh + kr - 1;
        CpuParallel.ForBalanced(d.C, 1, (start, end) =>
        {
            float* padded = CpuScratch.Get<float>(CpuScratch.Slot.Columns, (long)ph * pw + (long)vectors * 16 + 32);
            float* dyPad = padded + (long)ph * pw + 16;
            float* sums = stackalloc float[kr * ks];
            new Span<float>(padded, ph * pw).Clear();
            new Span<float>(dyPad, vectors * 16).Clear();
            for (long c = start; c < end; c++)
            {
                new Span<float>(sums, kr * ks).Clear();
                for (int n = 0; n < d.N; n++)
                {
                    float* src = x + ((long)n * d.C + c) * d.H * d.W;
                    if (reluInput)
                        for (int i = 0; i < d.H; i++) CopyRowRelu(src + i * d.W, padded + (i + pad) * pw + pad, d.W);
                    else
                        for (int i = 0; i < d.H; i++) CopyRow(src + i * d.W, padded + (i + pad) * pw + pad, d.W);
                    float* g = dy + ((long)n * d.C + c) * oh * ow;
                    for (int i = 0; i < oh; i++)
                        CopyRow(g + i * ow, dyPad + i * chunks * 16, ow);
                    for (int r = 0; r < kr; r++)
                    {
                        float* xr = padded + r * pw;
                        for (int s0 = 0; s0 < ks; s0 += 4)
                            FilterTaps(xr + s0, pw, dyPad, vectors, chunks, Math.Min(4, ks - s0), sums + r * ks + s0);
                    }
                }
                for (int i = 0; i < kr * ks; i++) dw[c * kr * ks + i] = sums[i];
            }
        });
    }

    /// <summary>
    /// sums[t] += sum over output vectors v of dy[v] * x[v shifted by t] for up to 4 taps t of one filter row; two
    /// output vectors per step give 8 independent FMA chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FilterTaps(float* x, int pw, float* dyPad, int vectors, int chunks, int taps, float* sums)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int v = 0;
        for (; v + 1 < vectors; v += 2)
        {
            int i0 = v / chunks, j0 = v - i0 * chunks, i1 = (v + 1) / chunks, j1 = v + 1 - i1 * chunks;
            float* q0 = x + i0 * pw + j0 * 16, q1 = x + i1 * pw + j1 * 16;
            var g0 = Vector512.Load(dyPad + v * 16);
            var g1 = Vector512.Load(dyPad + v * 16 + 16);
            a0 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0), a0);
            b0 = Vector512.FusedMultiplyAdd(g1, Vector512.Load(q1), b0);
            a1 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 1), a1);
            b1 = Vector512.FusedMultiplyAdd(g1, Vector512.Load(q1 + 1), b1);
            a2 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 2), a2);
            b2 = Vector512.FusedMultiplyAdd(g1, Vector512.Load(q1 + 2), b2);
            a3 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 3), a3);
            b3 = Vector512.FusedMultiplyAdd(g1, Vector512.Load(q1 + 3), b3);
        }
        if (v < vectors)
        {
            int i0 = v / chunks, j0 = v - i0 * chunks;
            float* q0 = x + i0 * pw + j0 * 16;
            var g0 = Vector512.Load(dyPad + v * 16);
            a0 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0), a0);
            a1 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 1), a1);
            a2 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 2), a2);
            a3 = Vector512.FusedMultiplyAdd(g0, Vector512.Load(q0 + 3), a3);
        }
        sums[0] += Vector512.Sum(a0 + b0);
        if (taps > 1) sums[1] += Vector512.Sum(a1 + b1);
        if (taps > 2) sums[2] += Vector512.Sum(a2 + b2);
        if (taps > 3) sums[3] += Vector512.Sum(a3 + b3);
    }
}
