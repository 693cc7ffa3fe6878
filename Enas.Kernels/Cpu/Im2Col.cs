using System.Numerics;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Column transforms of one image for GEMM convolution: col [C * R * S, OH * OW] row (c, r, s) holds input channel c
/// shifted by (r, s) and sampled with the stride; zero padding becomes zeros.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>Output columns [lo, hi) whose input column ow * stride - pad + s lies inside [0, W).</summary>
    public static (int Lo, int Hi) ValidRange(int outW, int w, int stride, int pad, int s)
    {
        int shift = pad - s;
        int lo = shift > 0 ? (shift + stride - 1) / stride : 0;
        int last = w - 1 + shift;
        int hi = last >= 0 ? Math.Min(outW, last / stride + 1) : 0;
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>col [C*R*S, OH*OW] from one image x [C, H, W].</summary>
    public static void Forward<T>(in Conv2DDescriptor d, T* x, T* col) where T : unmanaged, INumber<T>
    {
        long plane = (long)d.OutH * d.OutW;
        for (int q = 0; q < d.C * d.R * d.S; q++) Row(d, x, q, col + q * plane);
    }

    /// <summary>Row q = (c, r, s) of the column matrix of image x: dst [OH*OW].</summary>
    public static void Row<T>(in Conv2DDescriptor d, T* x, int q, T* dst) where T : unmanaged, INumber<T>
    {
        int oh = d.OutH, ow = d.OutW;
        int c = q / (d.R * d.S), r = q / d.S % d.R, s = q % d.S;
        var (lo, hi) = ValidRange(ow, d.W, d.Stride, d.Pad, s);
        int shift = s - d.Pad;
        for (int y = 0; y < oh; y++)
        {
            T* drow = dst + y * ow;
            int ih = y * d.Stride - d.Pad + r;
            if ((uint)ih >= (uint)d.H || hi <= lo)
            {
                new Span<T>(drow, ow).Clear();
                continue;
            }
            T* srow = x + ((long)c * d.H + ih) * d.W;
            for (int i = 0; i < lo; i++) drow[i] = T.Zero;
            if (d.Stride == 1)
                new ReadOnlySpan<T>(srow + lo + shift, hi - lo).CopyTo(new Span<T>(drow + lo, hi - lo));
            else
                for (int i = lo; i < hi; i++) drow[i] = srow[i * d.Stride + shift];
            for (int i = hi; i < ow; i++) drow[i] = T.Zero;
        }
    }

    /// <summary>dx [C, H, W] = sum of col [C*R*S, OH*OW] scattered back (overwrites dx).</summary>
    public static void Backward<T>(in Conv2DDescriptor d, T* col, T* dx) where T : unmanaged, INumber<T>
    {
        int oh = d.OutH, ow = d.OutW, plane = oh * ow;
        new Span<T>(dx, d.C * d.H * d.W).Clear();
        for (int c = 0; c < d.C; c++)
        for (int r = 0; r < d.R; r++)
        for (int s = 0; s < d.S; s++)
        {
            T* src = col + (long)((c * d.R + r) * d.S + s) * plane;
            var (lo, hi) = ValidRange(ow, d.W, d.Stride, d.Pad, s);
            if (hi <= lo) continue;
            int shift = s - d.Pad;
            for (int y = 0; y < oh; y++)
            {
                int ih = y * d.Stride - d.Pad + r;
                if ((uint)ih >= (uint)d.H) continue;
                T* srow = src + y * ow;
                T* drow = dx + ((long)c * d.H + ih) * d.W;
                if (d.Stride == 1)
                {
                    var target = new Span<T>(drow + lo + shift, hi - lo);
                    TensorPrimitives.Add(target, new ReadOnlySpan<T>(srow + lo, hi - lo), target);
                }
                else
                {
                    for (int i = lo; i < hi; i++) drow[i * d.Stride + shift] += srow[i];
                }
            }
        }
    }
}
