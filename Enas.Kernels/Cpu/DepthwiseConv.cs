using System.Numerics;
using System.Numerics.Tensors;

namespace Enas.Kernels.Cpu;

/// <summary>
/// Direct depthwise convolution (groups == C == K): each channel plane is convolved with its own R x S filter by
/// shifted-row FMAs (stride 1 vectorised over output columns; other strides scalar). Forward and backward-data run
/// one plane per task; backward-filter runs one channel per task over the whole batch, so no reduction is needed.
/// </summary>
internal static unsafe class DepthwiseConv
{
    /// <summary>y [N, C, OH, OW] from x [N, C, H, W] and w [C, 1, R, S].</summary>
    public static void Forward<T>(Conv2DDescriptor d, T* x, T* w, T* y) where T : unmanaged, INumber<T>
    {
        int oh = d.OutH, ow = d.OutW;
        CpuParallel.ForBalanced((long)d.N * d.C, 1 + 4096 / Math.Max(1, oh * ow * d.R * d.S), (start, end) =>
        {
            for (long p = start; p < end; p++)
            {
                int c = (int)(p % d.C);
                T* xp = x + p * d.H * d.W;
                T* yp = y + p * oh * ow;
                T* wp = w + (long)c * d.R * d.S;
                new Span<T>(yp, oh * ow).Clear();
                for (int r = 0; r < d.R; r++)
                for (int s = 0; s < d.S; s++)
                {
                    T wv = wp[r * d.S + s];
                    var (lo, hi) = Im2Col.ValidRange(ow, d.W, d.Stride, d.Pad, s);
                    if (hi <= lo) continue;
                    int shift = s - d.Pad;
                    for (int i = 0; i < oh; i++)
                    {
                        int ih = i * d.Stride - d.Pad + r;
                        if ((uint)ih >= (uint)d.H) continue;
                        T* xrow = xp + ih * d.W;
                        T* yrow = yp + i * ow;
                        if (d.Stride == 1)
                        {
                            var target = new Span<T>(yrow + lo, hi - lo);
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(xrow + lo + shift, hi - lo), wv,
                                target, target);
                        }
                        else
                        {
                            for (int j = lo; j < hi; j++) yrow[j] += wv * xrow[j * d.Stride + shift];
                        }
                    }
                }
            }
        });
    }

    /// <summary>dx [N, C, H, W] from dy [N, C, OH, OW] and w [C, 1, R, S].</summary>
    public static void BackwardData<T>(Conv2DDescriptor d, T* dy, T* w, T* dx) where T : unmanaged, INumber<T>
    {
        int oh = d.OutH, ow = d.OutW;
        CpuParallel.ForBalanced((long)d.N * d.C, 1 + 4096 / Math.Max(1, oh * ow * d.R * d.S), (start, end) =>
        {
            for (long p = start; p < end; p++)
            {
                int c = (int)(p % d.C);
                T* dxp = dx + p * d.H * d.W;
                T* dyp = dy + p * oh * ow;
                T* wp = w + (long)c * d.R * d.S;
                new Span<T>(dxp, d.H * d.W).Clear();
                for (int r = 0; r < d.R; r++)
                for (int s = 0; s < d.S; s++)
                {
                    T wv = wp[r * d.S + s];
                    var (lo, hi) = Im2Col.ValidRange(ow, d.W, d.Stride, d.Pad, s);
                    if (hi <= lo) continue;
                    int shift = s - d.Pad;
                    for (int i = 0; i < oh; i++)
                    {
                        int ih = i * d.Stride - d.Pad + r;
                        if ((uint)ih >= (uint)d.H) continue;
                        T* dxrow = dxp + ih * d.W;
                        T* dyrow = dyp + i * ow;
                        if (d.Stride == 1)
                        {
                            var target = new Span<T>(dxrow + lo + shift, hi - lo);
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<T>(dyrow + lo, hi - lo), wv,
                                target, target);
                        }
                        else
                        {
                            for (int j = lo; j < hi; j++) dxrow[j * d.Stride + shift] += wv * dyrow[j];
                        }
                    }
                }
            }
        });
    }

    /// <summary>dw [C, 1, R, S] from x [N, C, H, W] and dy [N, C, OH, OW] (overwrites dw).</summary>
    public static void BackwardFilter<T>(Conv2DDescriptor d, T* x, T* dy, T* dw) where T : unmanaged, INumber<T>
    {
        int oh = d.OutH, ow = d.OutW;
        CpuParallel.ForBalanced(d.C, 1, (start, end) =>
        {
            for (long c = start; c < end; c++)
            {
                T* wp = dw + c * d.R * d.S;
                for (int r = 0; r < d.R; r++)
                for (int s = 0; s < d.S; s++)
                {
                    var (lo, hi) = Im2Col.ValidRange(ow, d.W, d.Stride, d.Pad, s);
                    int shift = s - d.Pad;
                    T sum = T.Zero;
                    for (int n = 0; n < d.N && hi > lo; n++)
                    {
                        T* xp = x + ((long)n * d.C + c) * d.H * d.W;
                        T* dyp = dy + ((long)n * d.C + c) * oh * ow;
                        for (int i = 0; i < oh; i++)
                        {
                            int ih = i * d.Stride - d.Pad + r;
                            if ((uint)ih >= (uint)d.H) continue;
                            T* xrow = xp + ih * d.W;
                            T* dyrow = dyp + i * ow;
                            if (d.Stride == 1)
                            {
                                sum += TensorPrimitives.Dot(new ReadOnlySpan<T>(dyrow + lo, hi - lo),
                                    new ReadOnlySpan<T>(xrow + lo + shift, hi - lo));
                            }
                            else
                            {
                                for (int j = lo; j < hi; j++) sum += dyrow[j] * xrow[j * d.Stride + shift];
                            }
                        }
                    }
                    wp[r * d.S + s] = sum;
                }
            }
        });
    }
}
