using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>Pooling arguments (Kind: 0 max, 1 average excluding padding).</summary>
internal readonly record struct PoolArgs(int Kind, int C, int H, int W, int Window, int Stride, int Pad, int OutH,
    int OutW)
{
    public static PoolArgs From(in Pool2DDescriptor d) =>
        new(d.Kind == PoolKind.Max ? 0 : 1, d.C, d.H, d.W, d.Window, d.Stride, d.Pad, d.OutH, d.OutW);
}

/// <summary>
/// Pooling over x [N, C, H, W]. Forward: one thread per output; max keeps the FIRST maximum in row-major window
/// order (strict &gt;), padding never wins; average divides by the number of in-image positions. Backward: one
/// thread per input pixel that sums the contributions of every window containing it (race-free, no atomics); for
/// max it re-finds each window's first maximum and takes dy only if that is this pixel.
/// </summary>
internal static class PoolKernels
{
    /// <summary>y[i] for i over N * C * OH * OW.</summary>
    public static void Forward(Index1D index, PoolArgs p, ArrayView<float> x, ArrayView<float> y)
    {
        int i = index;
        int ow = i % p.OutW;
        int t = i / p.OutW;
        int oh = t % p.OutH;
        int nc = t / p.OutH;
        int h0 = oh * p.Stride - p.Pad, w0 = ow * p.Stride - p.Pad;
        int hs = h0 < 0 ? 0 : h0, he = h0 + p.Window < p.H ? h0 + p.Window : p.H;
        int ws = w0 < 0 ? 0 : w0, we = w0 + p.Window < p.W ? w0 + p.Window : p.W;
        int xBase = nc * p.H * p.W;
        if (p.Kind == 0)
        {
            float best = x[xBase + hs * p.W + ws];
            for (int h = hs; h < he; h++)
            for (int w = ws; w < we; w++)
            {
                float v = x[xBase + h * p.W + w];
                if (v > best) best = v;
            }
            y[i] = best;
            return;
        }
        float sum = 0f;
        for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++)
            sum += x[xBase + h * p.W + w];
        y[i] = sum / ((he - hs) * (we - ws));
    }

    /// <summary>dx[i] for i over N * C * H * W.</summary>
    public static void Backward(Index1D index, PoolArgs p, ArrayView<float> x, ArrayView<float> dy,
        ArrayView<float> dx)
    {
        int i = index;
        int iw = i % p.W;
        int t = i / p.W;
        int ih = t % p.H;
        int nc = t / p.H;
        int xBase = nc * p.H * p.W;
        int yBase = nc * p.OutH * p.OutW;
        int loH = ih + p.Pad - p.Window + 1, loW = iw + p.Pad - p.Window + 1;
        int ohStart = loH <= 0 ? 0 : (loH + p.Stride - 1) / p.Stride;
        int owStart = loW <= 0 ? 0 : (loW + p.Stride - 1) / p.Stride;
        int ohEnd = (ih + p.Pad) / p.Stride, owEnd = (iw + p.Pad) / p.Stride;
        if (ohEnd > p.OutH - 1) ohEnd = p.OutH - 1;
        if (owEnd > p.OutW - 1) owEnd = p.OutW - 1;
        float acc = 0f;
        for (int oh = ohStart; oh <= ohEnd; oh++)
        for (int ow = owStart; ow <= owEnd; ow++)
        {
            int h0 = oh * p.Stride - p.Pad, w0 = ow * p.Stride - p.Pad;
            int hs = h0 < 0 ? 0 : h0, he = h0 + p.Window < p.H ? h0 + p.Window : p.H;
            int ws = w0 < 0 ? 0 : w0, we = w0 + p.Window < p.W ? w0 + p.Window : p.W;
            float g = dy[yBase + oh * p.OutW + ow];
            if (p.Kind != 0)
            {
                acc += g / ((he - hs) * (we - ws));
                continue;
            }
            int bestH = hs, bestW = ws;
            float best = x[xBase + hs * p.W + ws];
            for (int h = hs; h < he; h++)
            for (int w = ws; w < we; w++)
            {
                float v = x[xBase + h * p.W + w];
                if (v > best)
                {
                    best = v;
                    bestH = h;
                    bestW = w;
                }
            }
            if (bestH == ih && bestW == iw) acc += g;
        }
        dx[i] = acc;
    }
}
