using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Pooling backward, by whole planes like the forward.
// Stride 1 (the hot case) is vectorised along the output row with no scatter conflicts:
//  - average: dx[ih, iw] = sum over the window of g[ih + pad - kh, iw + pad - kw] with g = dy / count, so g is written
//    into a zero-margined scratch plane and dx is a plain (gather) window sum over it: loads only.
//  - max: for every output vector and window offset (kh, kw) in row-major order, a lane takes the gradient at the
//    first offset where x equals y (a "found" mask keeps later ties out). The contribution for column offset kw is
//    added, unshifted, into scratch plane kw at row oh + kh (aligned read-modify-writes that never straddle a recent
//    store); dx then sums the k planes with column shifts.
// Larger strides use a scalar scatter into a padded dx plane.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Pool2DBackward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y, DeviceBuffer dy,
        DeviceBuffer dx)
    {
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
        int planeIn = d.H * d.W, planeOut = d.OutH * d.OutW;
        CpuParallel.For((long)d.N * d.C, 1 + (1 << 14) / planeIn, (p0, p1) =>
        {
            var xs = x.AsSpan<T>();
            var ys = y.AsSpan<T>();
            var dys = dy.AsSpan<T>();
            var dxs = dx.AsSpan<T>();
            for (long p = p0; p < p1; p++)
            {
                // One plane per call keeps the scratch logic simple; the scratch arrays come from the shared pool.
                var xPlane = xs.Slice((int)(p * planeIn), planeIn);
                var dxPlane = dxs.Slice((int)(p * planeIn), planeIn);
                var yPlane = ys.Slice((int)(p * planeOut), planeOut);
                var dyPlane = dys.Slice((int)(p * planeOut), planeOut);
                if (d.Stride != 1) PoolBackwardStrided(d, xPlane, yPlane, dyPlane, dxPlane);
                else if (d.Kind == PoolKind.Average) AvgBackwardStride1<T, TV>(d, dyPlane, dxPlane);
                else MaxBackwardStride1<T, TV>(d, xPlane, yPlane, dyPlane, dxPlane);
            }
        });
    }

    /// <summary>Geometry of the margined scratch planes used by the stride-1 backward.</summary>
    private readonly struct BackLayout
    {
        public BackLayout(in Pool2DDescriptor d, int lanes)
        {
            OutWPadded = PoolLayout.RoundUp(d.OutW, lanes);
            InWPadded = PoolLayout.RoundUp(d.W, lanes);
            Margin = PoolLayout.RoundUp(d.Window - 1, lanes);
            // Output column ow sits at Margin + ow; dx reads Margin + iw + pad - kw for iw < InWPadded.
            RowStride = PoolLayout.RoundUp(Margin + Math.Max(OutWPadded, InWPadded + d.Pad), lanes);
        }

        public int OutWPadded { get; }

        public int InWPadded { get; }

        public int Margin { get; }

        public int RowStride { get; }
    }

    private static void AvgBackwardStride1<T, TV>(Pool2DDescriptor d, Span<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        var lay = new BackLayout(d, TV.Count);
        int k = d.Window, outH = d.OutH, outW = d.OutW;
        int rows = outH + 2 * (k - 1); // output row oh sits at oh + k - 1
        T[] gArr = ArrayPool<T>.Shared.Rent(rows * lay.RowStride);
        T[] invColArr = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] rowArr = ArrayPool<T>.Shared.Rent(lay.RowStride);
        T[] tail = ArrayPool<T>.Shared.Rent(lay.InWPadded);
        var g = gArr.AsSpan(0, rows * lay.RowStride);
        g.Clear();
        var invCol = invColArr.AsSpan(0, lay.OutWPadded);
        FillInverseCounts(d.W, k, 1, d.Pad, outW, invCol);
        for (int oh = 0; oh < outH; oh++)
        {
            T invRow = T.One / T.CreateTruncating(ValidCount(oh, 1, d.Pad, k, d.H));
            var src = dy.Slice(oh * outW, outW);
            var dst = g.Slice((oh + k - 1) * lay.RowStride + lay.Margin, outW);
            for (int ow = 0; ow < outW; ow++) dst[ow] = src[ow] * invRow * invCol[ow];
        }
        ref T gr = ref MemoryMarshal.GetReference(g);
        ref T rr = ref MemoryMarshal.GetArrayDataReference(rowArr);
        for (int ih = 0; ih < d.H; ih++)
        {
            // Rows oh = ih + pad - kh, kh < k, i.e. scratch rows ih + pad .. ih + pad + k - 1.
            VerticalReduce<T, TV, PoolAverage>(g, (ih + d.Pad) * lay.RowStride, lay.RowStride, k, lay.RowStride, rowArr);
            var dxRow = dx.Slice(ih * d.W, d.W);
            ref T dst = ref MemoryMarshal.GetReference(dxRow);
            int baseCol = lay.Margin + d.Pad - (k - 1);
            for (nint j = 0; j < d.W; j += TV.Count)
            {
                var acc = TV.Load(ref rr, baseCol + j);
                for (int kw = 1; kw < k; kw++) acc = TV.Add(acc, TV.Load(ref rr, baseCol + j + kw));
                StoreRow<T, TV>(acc, ref dst, j, dxRow, tail);
            }
        }
        ArrayPool<T>.Shared.Return(gArr);
        ArrayPool<T>.Shared.Return(invColArr);
        ArrayPool<T>.Shared.Return(rowArr);
        ArrayPool<T>.Shared.Return(tail);
    }

    private static void MaxBackwardStride1<T, TV>(Pool2DDescriptor d, Span<T> x, Span<T> y, Span<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        var fwd = new PoolLayout(d, TV.Count);
        var lay = new BackLayout(d, TV.Count);
        int k = d.Window, outH = d.OutH, outW = d.OutW, rows = fwd.Rows;
        int planeLen = rows * lay.RowStride;
        T[] xpArr = ArrayPool<T>.Shared.Rent(rows * fwd.RowStride);
        T[] accArr = ArrayPool<T>.Shared.Rent(k * planeLen);
        T[] dyRow = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] yRow = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] tail = ArrayPool<T>.Shared.Rent(lay.InWPadded);
        var xp = xpArr.AsSpan(0, rows * fwd.RowStride);
        xp.Fill(T.NegativeInfinity);
        CopyIntoPadded<T>(x, d.H, d.W, xp, fwd.RowStride, d.Pad, d.Pad);
        var acc = accArr.AsSpan(0, k * planeLen);
        acc.Clear();
        dyRow.AsSpan(0, lay.OutWPadded).Clear();
        yRow.AsSpan(0, lay.OutWPadded).Clear();
        ref T xr = ref MemoryMarshal.GetReference(xp);
        ref T ar = ref MemoryMarshal.GetReference(acc);
        ref T dyr = ref MemoryMarshal.GetArrayDataReference(dyRow);
        ref T yr = ref MemoryMarshal.GetArrayDataReference(yRow);
        for (int oh = 0; oh < outH; oh++)
        {
            dy.Slice(oh * outW, outW).CopyTo(dyRow);
            y.Slice(oh * outW, outW).CopyTo(yRow);
            for (nint j = 0; j < outW; j += TV.Count)
            {
                var gv = TV.Load(ref dyr, j);
                var yv = TV.Load(ref yr, j);
                var found = TV.Zero;
                for (int kh = 0; kh < k; kh++)
                {
                    nint xRow = (oh + kh) * fwd.RowStride + j;
                    nint aRow = (oh + kh) * lay.RowStride + lay.Margin + j;
                    for (int kw = 0; kw < k; kw++)
                    {
                        var hit = TV.AndNot(TV.Equal(TV.Load(ref xr, xRow + kw), yv), found);
                        found = TV.Or(found, hit);
                        nint at = kw * planeLen + aRow;
                        TV.Store(TV.Add(TV.Load(ref ar, at), TV.Select(hit, gv, TV.Zero)), ref ar, at);
                    }
                }
            }
        }
        // dx[ih, iw] = sum over kw of plane kw at row ih + pad, column Margin + iw + pad - kw.
        for (int ih = 0; ih < d.H; ih++)
        {
            var dxRow = dx.Slice(ih * d.W, d.W);
            ref T dst = ref MemoryMarshal.GetReference(dxRow);
            nint rowBase = (ih + d.Pad) * lay.RowStride + lay.Margin + d.Pad;
            for (nint j = 0; j < d.W; j += TV.Count)
            {
                var sum = TV.Load(ref ar, rowBase + j);
                for (int kw = 1; kw < k; kw++) sum = TV.Add(sum, TV.Load(ref ar, kw * planeLen + rowBase + j - kw));
                StoreRow<T, TV>(sum, ref dst, j, dxRow, tail);
            }
        }
        ArrayPool<T>.Shared.Return(xpArr);
        ArrayPool<T>.Shared.Return(accArr);
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

    /// <summary>Any stride: scalar scatter of each output's gradient into a padded dx plane.</summary>
    private static void PoolBackwardStrided<T>(Pool2DDescriptor d, Span<T> x, Span<T> y, Span<T> dy, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = d.Window, s = d.Stride, pad = d.Pad, outH = d.OutH, outW = d.OutW;
        int rs = d.W + 2 * pad, rows = d.H + 2 * pad;
        T[] dxpArr = ArrayPool<T>.Shared.Rent(rows * rs);
        T[] xpArr = ArrayPool<T>.Shared.Rent(rows * rs);
        var dxp = dxpArr.AsSpan(0, rows * rs);
        var xp = xpArr.AsSpan(0, rows * rs);
        dxp.Clear();
        bool max = d.Kind == PoolKind.Max;
        if (max)
        {
            xp.Fill(T.NegativeInfinity);
            CopyIntoPadded<T>(x, d.H, d.W, xp, rs, pad, pad);
        }
        for (int oh = 0; oh < outH; oh++)
        {
            T invRow = T.One / T.CreateTruncating(ValidCount(oh, s, pad, k, d.H));
            for (int ow = 0; ow < outW; ow++)
            {
                T g = dy[oh * outW + ow];
                int origin = oh * s * rs + ow * s;
                if (max)
                {
                    T m = y[oh * outW + ow];
                    int at = FirstMatch(xp, origin, rs, k, m);
                    if (at >= 0) dxp[at] += g;
                    continue;
                }
                g *= invRow / T.CreateTruncating(ValidCount(ow, s, pad, k, d.W));
                for (int kh = 0; kh < k; kh++)
                    for (int kw = 0; kw < k; kw++) dxp[origin + kh * rs + kw] += g;
            }
        }
        for (int ih = 0; ih < d.H; ih++) dxp.Slice((ih + pad) * rs + pad, d.W).CopyTo(dx.Slice(ih * d.W, d.W));
        ArrayPool<T>.Shared.Return(dxpArr);
        ArrayPool<T>.Shared.Return(xpArr);
    }

    /// <summary>Index of the first (row-major) window element equal to m, or -1.</summary>
    private static int FirstMatch<T>(Span<T> xp, int origin, int rowStride, int k, T m)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int kh = 0; kh < k; kh++)
            for (int kw = 0; kw < k; kw++)
            {
                int at = origin + kh * rowStride + kw;
                if (xp[at] == m) return at;
            }
        return -1;
    }
}
