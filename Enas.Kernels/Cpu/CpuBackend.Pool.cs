using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Pooling forward. Threads take whole [H, W] planes (N*C of them). Each plane is copied into a padded scratch plane
// (padding holds -inf for max, 0 for average) whose rows are long enough for whole vectors, so inner loops never test
// bounds. The window reduction is separable: the window's rows are reduced vertically into one scratch row (vectors
// along W), then that row is reduced horizontally (vectors along OW at stride 1, scalar at larger strides). The
// average divides by the number of non-padded positions: rows(oh) * cols(ow), kept as 1/rows and a 1/cols row.
public sealed partial class CpuBackend
{
    /// <inheritdoc />
    public void Pool2DForward(in Pool2DDescriptor descriptor, DeviceBuffer x, DeviceBuffer y)
    {
        using var profile = Diagnostics.KernelEvents.Scope("Pool2DForward", descriptor);
        var d = descriptor;
        if (x.DType == DType.Float64) PoolForward<double>(d, (CpuBuffer)x, (CpuBuffer)y);
        else PoolForward<float>(d, (CpuBuffer)x, (CpuBuffer)y);
    }

    private static void PoolForward<T>(Pool2DDescriptor d, CpuBuffer x, CpuBuffer y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool max = d.Kind == PoolKind.Max;
        if (SimdWidth.Use512)
        {
            if (max) PoolForward<T, Simd512<T>, PoolMax>(d, x, y);
            else PoolForward<T, Simd512<T>, PoolAverage>(d, x, y);
        }
        else if (SimdWidth.Use256)
        {
            if (max) PoolForward<T, Simd256<T>, PoolMax>(d, x, y);
            else PoolForward<T, Simd256<T>, PoolAverage>(d, x, y);
        }
        else if (max) PoolForward<T, Simd128<T>, PoolMax>(d, x, y);
        else PoolForward<T, Simd128<T>, PoolAverage>(d, x, y);
    }

    private static void PoolForward<T, TV, TOp>(Pool2DDescriptor d, CpuBuffer x, CpuBuffer y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
        where TOp : struct, IPoolReduction
    {
        var lay = new PoolLayout(d, TV.Count);
        int planeIn = d.H * d.W;
        CpuParallel.ForBalanced((long)d.N * d.C, 1 + (1 << 14) / planeIn,
            (p0, p1) => PoolForwardPlanes<T, TV, TOp>(d, lay, (int)p0, (int)p1, x.AsSpan<T>(), y.AsSpan<T>()));
    }

    // Full optimisation from the first call: the tier-0 code of these generic SIMD loops is ~100x slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PoolForwardPlanes<T, TV, TOp>(Pool2DDescriptor d, PoolLayout lay, int p0, int p1, Span<T> xs,
        Span<T> ys)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
        where TOp : struct, IPoolReduction
    {
        int planeIn = d.H * d.W, planeOut = lay.OutH * lay.OutW;
        T[] xpArr = ArrayPool<T>.Shared.Rent(lay.Rows * lay.RowStride);
        T[] rowArr = ArrayPool<T>.Shared.Rent(lay.RowStride);
        T[] outArr = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        T[] invColArr = ArrayPool<T>.Shared.Rent(lay.OutWPadded);
        var xp = xpArr.AsSpan(0, lay.Rows * lay.RowStride);
        xp.Fill(TOp.IsAverage ? T.Zero : T.NegativeInfinity);
        var invCol = invColArr.AsSpan(0, lay.OutWPadded);
        FillInverseCounts(d.W, d.Window, d.Stride, d.Pad, lay.OutW, invCol);
        for (int p = p0; p < p1; p++)
        {
            CopyIntoPadded<T>(xs.Slice(p * planeIn, planeIn), d.H, d.W, xp, lay.RowStride, d.Pad, d.Pad);
            var yPlane = ys.Slice(p * planeOut, planeOut);
            for (int oh = 0; oh < lay.OutH; oh++)
            {
                T invRow = TOp.IsAverage ? T.One / T.CreateTruncating(ValidCount(oh, d.Stride, d.Pad, d.Window, d.H)) : T.One;
                VerticalReduce<T, TV, TOp>(xp, oh * d.Stride * lay.RowStride, lay.RowStride, d.Window, lay.RowStride,
                    rowArr);
                var yRow = yPlane.Slice(oh * lay.OutW, lay.OutW);
                if (d.Stride == 1) HorizontalStride1<T, TV, TOp>(rowArr, d.Window, invRow, invCol, yRow, outArr);
                else HorizontalStrided<T, TOp>(rowArr, d.Window, d.Stride, invRow, invCol, yRow);
            }
        }
        ArrayPool<T>.Shared.Return(xpArr);
        ArrayPool<T>.Shared.Return(rowArr);
        ArrayPool<T>.Shared.Return(outArr);
        ArrayPool<T>.Shared.Return(invColArr);
    }

    /// <summary>Number of non-padded positions of window <paramref name="o"/> along an axis of length n.</summary>
    private static int ValidCount(int o, int stride, int pad, int window, int n)
    {
        int start = o * stride - pad;
        return Math.Min(start + window, n) - Math.Max(start, 0);
    }

    /// <summary>inv[ow] = 1 / (valid columns of window ow) for ow &lt; outW, 0 beyond.</summary>
    private static void FillInverseCounts<T>(int w, int window, int stride, int pad, int outW, Span<T> inv)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        inv.Clear();
        for (int ow = 0; ow < outW; ow++) inv[ow] = T.One / T.CreateTruncating(ValidCount(ow, stride, pad, window, w));
    }

    /// <summary>Copies an [h, w] plane into a padded plane at row offset top and column offset left.</summary>
    private static void CopyIntoPadded<T>(ReadOnlySpan<T> plane, int h, int w, Span<T> padded, int rowStride, int top,
        int left) where T : unmanaged
    {
        for (int r = 0; r < h; r++) plane.Slice(r * w, w).CopyTo(padded.Slice((r + top) * rowStride + left, w));
    }

    /// <summary>row[j] = reduce over kh &lt; window of src[start + kh * rowStride + j], j &lt; length (whole vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void VerticalReduce<T, TV, TOp>(Span<T> src, int start, int rowStride, int window, int length,
        T[] row)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
        where TOp : struct, IPoolReduction
    {
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T dst = ref MemoryMarshal.GetArrayDataReference(row);
        if (window == 3)
        {
            for (nint j = 0; j < length; j += TV.Count)
            {
                var a = TV.Load(ref s, start + j);
                var b = TV.Load(ref s, start + rowStride + j);
                var c = TV.Load(ref s, start + 2 * rowStride + j);
                TV.Store(TOp.Combine<T, TV>(TOp.Combine<T, TV>(a, b), c), ref dst, j);
            }
            return;
        }
        for (nint j = 0; j < length; j += TV.Count)
        {
            var acc = TV.Load(ref s, start + j);
            for (int kh = 1; kh < window; kh++) acc = TOp.Combine<T, TV>(acc, TV.Load(ref s, start + kh * rowStride + j));
            TV.Store(acc, ref dst, j);
        }
    }

    /// <summary>y[ow] = reduce over kw of row[ow + kw] (scaled for the average), vectorised along ow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void HorizontalStride1<T, TV, TOp>(T[] row, int window, T invRow, Span<T> invCol, Span<T> y,
        T[] tail)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
        where TOp : struct, IPoolReduction
    {
        ref T r = ref MemoryMarshal.GetArrayDataReference(row);
        ref T inv = ref MemoryMarshal.GetReference(invCol);
        ref T dst = ref MemoryMarshal.GetReference(y);
        int outW = y.Length;
        var rowScale = TV.Splat(invRow);
        for (nint j = 0; j < outW; j += TV.Count)
        {
            TV acc;
            if (window == 3)
                acc = TOp.Combine<T, TV>(TOp.Combine<T, TV>(TV.Load(ref r, j), TV.Load(ref r, j + 1)), TV.Load(ref r, j + 2));
            else
            {
                acc = TV.Load(ref r, j);
                for (int kw = 1; kw < window; kw++) acc = TOp.Combine<T, TV>(acc, TV.Load(ref r, j + kw));
            }
            if (TOp.IsAverage) acc = TV.Multiply(acc, TV.Multiply(rowScale, TV.Load(ref inv, j)));
            if (j + TV.Count <= outW) TV.Store(acc, ref dst, j);
            else
            {
                TV.Store(acc, ref MemoryMarshal.GetArrayDataReference(tail), 0);
                tail.AsSpan(0, outW - (int)j).CopyTo(y[(int)j..]);
            }
        }
    }

    /// <summary>y[ow] = reduce over kw of row[ow * stride + kw] (scalar; strided windows).</summary>
    private static void HorizontalStrided<T, TOp>(T[] row, int window, int stride, T invRow, Span<T> invCol, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IPoolReduction
    {
        for (int ow = 0; ow < y.Length; ow++)
        {
            int c0 = ow * stride;
            T acc = row[c0];
            for (int kw = 1; kw < window; kw++) acc = TOp.Combine(acc, row[c0 + kw]);
            y[ow] = TOp.IsAverage ? acc * (invRow * invCol[ow]) : acc;
        }
    }

    /// <summary>Scratch geometry shared by the pooling kernels for one descriptor and vector width.</summary>
    private readonly struct PoolLayout
    {
        public PoolLayout(in Pool2DDescriptor d, int lanes)
        {
            OutH = d.OutH;
            OutW = d.OutW;
            OutWPadded = RoundUp(OutW, lanes);
            int used = d.Stride == 1 ? OutWPadded + d.Window - 1 : d.W + 2 * d.Pad;
            RowStride = RoundUp(Math.Max(used, d.W + 2 * d.Pad), lanes);
            Rows = d.H + 2 * d.Pad;
        }

        public int OutH { get; }

        public int OutW { get; }

        /// <summary>OutW rounded up to whole vectors.</summary>
        public int OutWPadded { get; }

        /// <summary>Row length of the padded input plane (whole vectors; input column c sits at c + pad).</summary>
        public int RowStride { get; }

        /// <summary>Rows of the padded input plane: H + 2 * pad.</summary>
        public int Rows { get; }

        public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    }
}

/// <summary>The combine step of a pooling window (max or sum) for vectors and scalars.</summary>
internal interface IPoolReduction
{
    /// <summary>True for the average (sum then scale).</summary>
    static abstract bool IsAverage { get; }

    static abstract TV Combine<T, TV>(TV a, TV b) where T : unmanaged where TV : struct, ISimdVector<TV, T>;

    static abstract T Combine<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T>;
}

internal readonly struct PoolMax : IPoolReduction
{
    public static bool IsAverage => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Combine<T, TV>(TV a, TV b) where T : unmanaged where TV : struct, ISimdVector<TV, T> =>
        TV.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => T.Max(a, b);
}

internal readonly struct PoolAverage : IPoolReduction
{
    public static bool IsAverage => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Combine<T, TV>(TV a, TV b) where T : unmanaged where TV : struct, ISimdVector<TV, T> =>
        TV.Add(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Combine<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> => a + b;
}
