using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Enas.Kernels.Cpu;

// Max-pool backward at stride s > 1. The padded input rows are split into s phases (phase q holds columns q, q + s,
// q + 2s, ...), so the window column ow * s + kw of every output in a row is a contiguous run of phase kw % s starting
// at ow + kw / s: the first-maximum search is then vectorised along ow exactly as at stride 1. The winning position of
// each output (code kh * k + kw) is then scattered scalar-wise into dx (one add per output; windows overlap, so
// this stays sequential within a plane).
public sealed partial class CpuBackend
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxBackwardStrided<T, TV>(Pool2DDescriptor d, int p0, int p1, Span<T> xs, Span<T> ys,
        Span<T> dys, Span<T> dxs)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct, ISimdVector<TV, T>
    {
        int k = d.Window, s = d.Stride, pad = d.Pad, outH = d.OutH, outW = d.OutW;
        int planeIn = d.H * d.W, planeOut = outH * outW, rows = d.H + 2 * pad;
        int outWPadded = PoolLayout.RoundUp(outW, TV.Count);
        // Long enough for every vector load (ow < outWPadded) and every real column ((W + 2 pad - 1) / s).
        int phaseLen = PoolLayout.RoundUp(Math.Max(outWPadded + (k - 1) / s + 1, (d.W + 2 * pad) / s + 1), TV.Count);
        int rowLen = s * phaseLen; // one padded input row = s phases
        T[] phArr = ArrayPool<T>.Shared.Rent(rows * rowLen);
        T[] yRow = ArrayPool<T>.Shared.Rent(outWPadded);
        T[] codeRow = ArrayPool<T>.Shared.Rent(outWPadded);
        int[] colOffArr = ArrayPool<int>.Shared.Rent(k);
        var colOff = colOffArr.AsSpan(0, k);
        for (int kw = 0; kw < k; kw++) colOff[kw] = kw % s * phaseLen + kw / s;
        int[] rowOfArr = ArrayPool<int>.Shared.Rent(k * k); // code -> (kh, kw) without a division per output
        int[] colOfArr = ArrayPool<int>.Shared.Rent(k * k);
        for (int c = 0; c < k * k; c++) (rowOfArr[c], colOfArr[c]) = (c / k, c % k);
        var ph = phArr.AsSpan(0, rows * rowLen);
        ph.Fill(T.NegativeInfinity); // padding and phase tails; each plane rewrites only real input positions
        yRow.AsSpan(0, outWPadded).Clear();
        ref T phr = ref MemoryMarshal.GetReference(ph);
        ref T yr = ref MemoryMarshal.GetArrayDataReference(yRow);
        ref T cr = ref MemoryMarshal.GetArrayDataReference(codeRow);
        for (int p = p0; p < p1; p++)
        {
            var x = xs.Slice(p * planeIn, planeIn);
            var y = ys.Slice(p * planeOut, planeOut);
            var dy = dys.Slice(p * planeOut, planeOut);
            var dx = dxs.Slice(p * planeIn, planeIn);
            dx.Clear();
            for (int ih = 0; ih < d.H; ih++)
            {
                var src = x.Slice(ih * d.W, d.W);
                var dst = ph.Slice((ih + pad) * rowLen, rowLen);
                int q = pad % s, at = pad / s; // padded column iw + pad = at * s + q, stepped without divisions
                for (int iw = 0; iw < src.Length; iw++)
                {
                    dst[q * phaseLen + at] = src[iw];
                    if (++q == s)
                    {
                        q = 0;
                        at++;
                    }
                }
            }
            for (int oh = 0; oh < outH; oh++)
            {
                y.Slice(oh * outW, outW).CopyTo(yRow);
                for (nint j = 0; j < outWPadded; j += TV.Count)
                {
                    var yv = TV.Load(ref yr, j);
                    var code = TV.Splat(-T.One);
                    var found = TV.Zero;
                    T c = T.Zero;
                    for (int kh = 0; kh < k; kh++)
                    {
                        nint rowAt = (oh * s + kh) * rowLen + j;
                        for (int kw = 0; kw < k; kw++, c += T.One)
                        {
                            var hit = TV.AndNot(TV.Equal(TV.Load(ref phr, rowAt + colOff[kw]), yv), found);
                            found = TV.Or(found, hit);
                            code = TV.Select(hit, TV.Splat(c), code);
                        }
                    }
                    TV.Store(code, ref cr, j);
                }
                for (int ow = 0; ow < outW; ow++)
                {
                    int c = int.CreateTruncating(codeRow[ow]);
                    if (c < 0) continue; // NaN window: no maximum to route to
                    int ih = oh * s + rowOfArr[c] - pad, iw = ow * s + colOfArr[c] - pad;
                    if ((uint)ih < (uint)d.H && (uint)iw < (uint)d.W) dx[ih * d.W + iw] += dy[oh * outW + ow];
                }
            }
        }
        ArrayPool<T>.Shared.Return(phArr);
        ArrayPool<T>.Shared.Return(yRow);
        ArrayPool<T>.Shared.Return(codeRow);
        ArrayPool<int>.Shared.Return(colOffArr);
        ArrayPool<int>.Shared.Return(rowOfArr);
        ArrayPool<int>.Shared.Return(colOfArr);
    }
}
