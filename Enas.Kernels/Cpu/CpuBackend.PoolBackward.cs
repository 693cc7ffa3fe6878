using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Pooling backward, by whole planes like the forward.
// Stride 1 (the hot case) is vectorised along rows, in gather form (no read-modify-write scatter):
//  - average: dx[ih, iw] = sum over the window of g[ih + pad - kh, iw + pad - kw] with g = dy / count, so g is written
//    into a zero-margined scratch plane and dx is a plain (gather) window sum over it: loads only.
//  - max: pass 1 records, per output, the code kh * k + kw of the first (row-major) window position whose x equals
//    y (a "found" mask keeps later ties out); pass 2 gives dx[ih, iw] the dy of every output whose code points at
//    (ih, iw). Both passes read margined scratch planes, set up once per thread, so no bounds tests are needed.
// Larger strides: max in CpuBackend.PoolStrided.cs; average scatters scalar-wise into a padded dx plane.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Pool2DBackward", descriptor);
        var d = descriptor;
        if (x.DType == DType.Float64)
            PoolBackward<double>(d, (CpuBuffer)x, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
        else PoolBackward<float>(d, (CpuBuffer)x, (CpuBuffer)y, (CpuBuffer)dy, (CpuBuffer)dx);
    }

    private static void PoolBackward<T>(Pool2DDescriptor d, CpuBuffer x, CpuBuffer y, CpuBuffer dy, CpuBuffer dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (SimdWidth.Use512) PoolBackward<T, Simd512<T>>(d, x, y, dy, dx);
        else if (SimdWidth.Use256) PoolBackward<T, Simd256<T>>(d, x, y, dy, dx);
        else PoolBackward<T, Simd128<T>>(d, x, y, dy, dx);
    }

    private static void PoolBackward<T, TV>(Pool2DDescriptor d, CpuBuffer x, CpuBuffer y, CpuBuffer dy, CpuBuffer dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        CpuParallel.ForBalanced((long)d.N * d.C, 1 + (1 << 14) / (d.H * d.W), (p0, p1) =>
        {
            var xs = x.AsSpan<T>();
            var ys = y.AsSpan<T>();
            var dys = dy.AsSpan<T>();
            var dxs = dx.AsSpan<T>();
            if (d.Stride != 1 && d.Kind == PoolKind.Max) MaxBackwardStrided<T, TV>(d, (int)p0, (int)p1, xs, ys, dys, dxs);
            else if (d.Stride != 1) AvgBackwardStrided(d, (int)p0, (int)p1, dys, dxs);
            else if (d.Kind == PoolKind.Average) AvgBackwardStride1<T, TV>(d, (int)p0, (int)p1, dys, dxs);
            else MaxBackwardStride1<T, TV>(d, (int)p0, (int)p1, xs, ys, dys, dxs);
        });
    }

    /// <summary>
    /// Geometry of the margined scratch planes of the stride-1 backward: output (oh, ow) sits at row oh + k - 1 and
    /// column Margin + ow, so dx[ih, iw] gathers rows ih + pad .. ih + pad + k - 1 and columns
    /// Margin + iw + pad - (k - 1) .. Margin + iw + pad, and margins (zero gradient) stand in for missing outputs.
    /// Scratch is set up once per thread; each plane rewrites only the interior.
    /// </summary>
    private readonly struct BackLayout
    {
        public BackLayout(in Pool2DDescriptor d, int lanes)
        {
            OutWPadded = PoolLayout.RoundUp(d.OutW, lanes);
            InWPadded = PoolLayout.RoundUp(d.W, lanes);
            Margin = PoolLayout.RoundUp(d.Window - 1, lanes);
            RowStride = PoolLayout.RoundUp(Margin + Math.Max(OutWPadded, InWPadded + d.Pad), lanes);
            Rows = d.OutH + 2 * (d.Window - 1);
        }

        public int OutWPadded { get; }

        public int InWPadded { get; }

        public int Margin { get; }

        public int RowStride { get; }

        public int Rows { get; }

        public int Length => Rows * RowStride;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgBackwardStride1<T, TV>(Pool2DDescriptor d, int p0, int p1, Span<T> dys, Span<T> dxs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        var lay = new BackLayout(d, TV.Count);
        int k = d.Window, outH = d.OutH, outW = d.OutW, planeIn = d.H * d.W, planeOut = outH * outW;
        T[] gArr = ArrayPool<T>.Shared.Rent(lay.Length);
        T[] invColArr = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] rowArr = ArrayPool<T>.Shared.Rent(lay.RowStride);
        T[] dyRow = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] tail = ArrayPool<T>.Shared.Rent(lay.InWPadded);
        var g = gArr.AsSpan(0, lay.Length);
        g.Clear();
        dyRow.AsSpan(0, lay.OutWPadded).Clear();
        var invCol = invColArr.AsSpan(0, lay.OutWPadded);
        FillInverseCounts(d.W, k, 1, d.Pad, outW, invCol);
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T rr = ref MemoryMarshal.GetArrayDataReference(rowArr);
        ref T dyr = ref MemoryMarshal.GetArrayDataReference(dyRow);
        ref T icr = ref MemoryMarshal.GetReference(invCol);
        int baseCol = lay.Margin + d.Pad - (k - 1);
        for (int p = p0; p < p1; p++)
        {
            var dy = dys.Slice(p * planeOut, planeOut);
            var dx = dxs.Slice(p * planeIn, planeIn);
            for (int oh = 0; oh < outH; oh++)
            {
                // g = dy / count, written over the whole padded row (lanes past outW are zero).
                var rowScale = TV.Splat(T.One / T.CreateTruncating(ValidCount(oh, 1, d.Pad, k, d.H)));
                dy.Slice(oh * outW, outW).CopyTo(dyRow);
                nint at = (oh + k - 1) * lay.RowStride + lay.Margin;
                for (nint j = 0; j < lay.OutWPadded; j += TV.Count)
                    TV.Store(TV.Multiply(TV.Load(ref dyr, j), TV.Multiply(rowScale, TV.Load(ref icr, j))), ref gr, at + j);
            }
            for (int ih = 0; ih < d.H; ih++)
            {
                VerticalReduce<T, TV, PoolAverage>(g, (ih + d.Pad) * lay.RowStride, lay.RowStride, k, lay.RowStride,
                    rowArr);
                var dxRow = dx.Slice(ih * d.W, d.W);
                ref T dst = ref MemoryMarshal.GetReference(dxRow);
                for (nint j = 0; j < d.W; j += TV.Count)
                {
                    var acc = TV.Load(ref rr, baseCol + j);
                    for (int kw = 1; kw < k; kw++) acc = TV.Add(acc, TV.Load(ref rr, baseCol + j + kw));
                    StoreRow<T, TV>(acc, ref dst, j, dxRow, tail);
                }
            }
        }
        ArrayPool<T>.Shared.Return(gArr);
        ArrayPool<T>.Shared.Return(invColArr);
        ArrayPool<T>.Shared.Return(rowArr);
        ArrayPool<T>.Shared.Return(dyRow);
        ArrayPool<T>.Shared.Return(tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardStride1<T, TV>(Pool2DDescriptor d, int p0, int p1, Span<T> xs, Span<T> ys,
        Span<T> dys, Span<T> dxs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        var fwd = new PoolLayout(d, TV.Count);
        var lay = new BackLayout(d, TV.Count);
        int k = d.Window, outH = d.OutH, outW = d.OutW, planeIn = d.H * d.W, planeOut = outH * outW;
        T[] xpArr = ArrayPool<T>.Shared.Rent(fwd.Rows * fwd.RowStride);
        T[] codeArr = ArrayPool<T>.Shared.Rent(lay.Length);
        T[] gArr = ArrayPool<T>.Shared.Rent(lay.Length);
        T[] dyRow = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] yRow = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] tail = ArrayPool<T>.Shared.Rent(lay.InWPadded);
        var xp = xpArr.AsSpan(0, fwd.Rows * fwd.RowStride);
        xp.Fill(T.NegativeInfinity);
        codeArr.AsSpan(0, lay.Length).Fill(-T.One);
        gArr.AsSpan(0, lay.Length).Clear();
        dyRow.AsSpan(0, lay.OutWPadded).Clear();
        yRow.AsSpan(0, lay.OutWPadded).Clear();
        ref T xr = ref MemoryMarshal.GetReference(xp);
        ref T cr = ref MemoryMarshal.GetArrayDataReference(codeArr);
        ref T gr = ref MemoryMarshal.GetArrayDataReference(gArr);
        ref T dyr = ref MemoryMarshal.GetArrayDataReference(dyRow);
        ref T yr = ref MemoryMarshal.GetArrayDataReference(yRow);
        for (int p = p0; p < p1; p++)
        {
            CopyIntoPadded<T>(xs.Slice(p * planeIn, planeIn), d.H, d.W, xp, fwd.RowStride, d.Pad, d.Pad);
            var dy = dys.Slice(p * planeOut, planeOut);
            var y = ys.Slice(p * planeOut, planeOut);
            var dx = dxs.Slice(p * planeIn, planeIn);
            // Pass 1: for every output, the code kh * k + kw of the first window position holding the maximum.
            for (int oh = 0; oh < outH; oh++)
            {
                dy.Slice(oh * outW, outW).CopyTo(dyRow);
                y.Slice(oh * outW, outW).CopyTo(yRow);
                nint at = (oh + k - 1) * lay.RowStride + lay.Margin;
                for (nint j = 0; j < lay.OutWPadded; j += TV.Count)
                {
                    var yv = TV.Load(ref yr, j);
                    var code = TV.Splat(-T.One);
                    var found = TV.Zero;
                    T c = T.Zero;
                    for (int kh = 0; kh < k; kh++)
                    {
                        nint xRow = (oh + kh) * fwd.RowStride + j;
                        for (int kw = 0; kw < k; kw++, c += T.One)
                        {
                            var hit = TV.AndNot(TV.Equal(TV.Load(ref xr, xRow + kw), yv), found);
                            found = TV.Or(found, hit);
                            code = TV.Select(hit, TV.Splat(c), code);
                        }
                    }
                    TV.Store(code, ref cr, at + j);
                    TV.Store(TV.Load(ref dyr, j), ref gr, at + j);
                }
            }
            // Pass 2: dx[ih, iw] gathers dy of the outputs whose code points back at (ih, iw).
            for (int ih = 0; ih < d.H; ih++)
            {
                var dxRow = dx.Slice(ih * d.W, d.W);
                ref T dst = ref MemoryMarshal.GetReference(dxRow);
                for (nint j = 0; j < d.W; j += TV.Count)
                {
                    var acc = TV.Zero;
                    T c = T.Zero;
                    for (int kh = 0; kh < k; kh++)
                    {
                        nint rowAt = (ih + d.Pad - kh + k - 1) * lay.RowStride + lay.Margin + d.Pad + j;
                        for (int kw = 0; kw < k; kw++, c += T.One)
                        {
                            var mine = TV.Equal(TV.Load(ref cr, rowAt - kw), TV.Splat(c));
                            acc = TV.Add(acc, TV.Select(mine, TV.Load(ref gr, rowAt - kw), TV.Zero));
                        }
                    }
                    StoreRow<T, TV>(acc, ref dst, j, dxRow, tail);
                }
            }
        }
        ArrayPool<T>.Shared.Return(xpArr);
        ArrayPool<T>.Shared.Return(codeArr);
        ArrayPool<T>.Shared.Return(gArr);
        ArrayPool<T>.Shared.Return(dyRow);
        ArrayPool<T>.Shared.Return(yRow);
        ArrayPool<T>.Shared.Return(tail);
    }

    /// <summary>Stores a vector at row[j..], going through <paramref name="tail"/> when it would overrun the row.</summary>
    private static void StoreRow<T, TV>(TV value, ref T row, nint j, Span<T> rowSpan, T[] tail)
        where T : unmanaged
        where TV : struct, ISimdVector<TV, T>
    {
        if (j + TV.Count <= rowSpan.Length)
        {
            TV.Store(value, ref row, j);
            return;
        }
        TV.Store(value, ref MemoryMarshal.GetArrayDataReference(tail), 0);
        tail.AsSpan(0, rowSpan.Length - (int)j).CopyTo(rowSpan[(int)j..]);
    }

    /// <summary>Average at any stride: scalar scatter of each output's share into a padded dx plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AvgBackwardStrided<T>(Pool2DDescriptor d, int p0, int p1, Span<T> dys, Span<T> dxs)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = d.Window, s = d.Stride, pad = d.Pad, outH = d.OutH, outW = d.OutW;
        int rs = d.W + 2 * pad, rows = d.H + 2 * pad, planeIn = d.H * d.W, planeOut = outH * outW;
        T[] dxpArr = ArrayPool<T>.Shared.Rent(rows * rs);
        T[] invColArr = ArrayPool<T>.Shared.Rent(outW);
        var dxp = dxpArr.AsSpan(0, rows * rs);
        var invCol = invColArr.AsSpan(0, outW);
        FillInverseCounts(d.W, k, s, pad, outW, invCol);
        for (int p = p0; p < p1; p++)
        {
            var dy = dys.Slice(p * planeOut, planeOut);
            dxp.Clear();
            for (int oh = 0; oh < outH; oh++)
            {
                T invRow = T.One / T.CreateTruncating(ValidCount(oh, s, pad, k, d.H));
                for (int ow = 0; ow < outW; ow++)
                {
                    T g = dy[oh * outW + ow] * (invRow * invCol[ow]);
                    int origin = oh * s * rs + ow * s;
                    for (int kh = 0; kh < k; kh++)
                    {
                        var row = dxp.Slice(origin + kh * rs, k);
                        for (int kw = 0; kw < row.Length; kw++) row[kw] += g;
                    }
                }
            }
            var dx = dxs.Slice(p * planeIn, planeIn);
            for (int ih = 0; ih < d.H; ih++) dxp.Slice((ih + pad) * rs + pad, d.W).CopyTo(dx.Slice(ih * d.W, d.W));
        }
        ArrayPool<T>.Shared.Return(dxpArr);
        ArrayPool<T>.Shared.Return(invColArr);
    }
}
