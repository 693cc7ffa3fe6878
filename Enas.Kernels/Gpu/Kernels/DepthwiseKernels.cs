using System.Runtime.CompilerServices;
using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// Depthwise convolution (groups == C == K): x [N, C, H, W], w [C, 1, R, S], y [N, C, OH, OW].
/// Forward: one thread per output, taps hand-unrolled for 3x3 and 5x5 (ILGPU 1.5.3 does not unroll loops), a
/// generic loop otherwise. Backward-data: one thread per input pixel gathering the outputs it fed (race-free).
/// Backward-filter: one group per weight (c, r, s) reducing over N * OH * OW in shared memory (race-free).
/// </summary>
internal static class DepthwiseKernels
{
    /// <summary>y[i] for i over N * C * OH * OW.</summary>
    public static void Forward(Index1D index, TileArgs p, ArrayView<float> x, ArrayView<float> w,
        ArrayView<float> y)
    {
        int i = index;
        int ow = i % p.OutW;
        int t = i / p.OutW;
        int oh = t % p.OutH;
        int nc = t / p.OutH;
        int c = nc % p.C;
        int ih0 = oh * p.Stride - p.Pad, iw0 = ow * p.Stride - p.Pad;
        int xBase = nc * p.H * p.W;
        int wBase = c * p.R * p.S;
        float acc = 0f;
        if (p.R == 3 && p.S == 3)
        {
            acc += Row3(x, w, xBase, wBase, ih0, iw0, p.H, p.W);
            acc += Row3(x, w, xBase, wBase + 3, ih0 + 1, iw0, p.H, p.W);
            acc += Row3(x, w, xBase, wBase + 6, ih0 + 2, iw0, p.H, p.W);
        }
        else if (p.R == 5 && p.S == 5)
        {
            acc += Row5(x, w, xBase, wBase, ih0, iw0, p.H, p.W);
            acc += Row5(x, w, xBase, wBase + 5, ih0 + 1, iw0, p.H, p.W);
            acc += Row5(x, w, xBase, wBase + 10, ih0 + 2, iw0, p.H, p.W);
            acc += Row5(x, w, xBase, wBase + 15, ih0 + 3, iw0, p.H, p.W);
            acc += Row5(x, w, xBase, wBase + 20, ih0 + 4, iw0, p.H, p.W);
        }
        else
        {
            for (int r = 0; r < p.R; r++)
            {
                int ih = ih0 + r;
                if (ih < 0 || ih >= p.H) continue;
                for (int s = 0; s < p.S; s++)
                {
                    int iw = iw0 + s;
                    if (iw >= 0 && iw < p.W) acc += x[xBase + ih * p.W + iw] * w[wBase + r * p.S + s];
                }
            }
        }
        y[i] = acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tap(ArrayView<float> x, int rowBase, int iw, int width, float weight) =>
        iw >= 0 && iw < width ? x[rowBase + iw] * weight : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row3(ArrayView<float> x, ArrayView<float> w, int xBase, int wRow, int ih, int iw0,
        int height, int width)
    {
        if (ih < 0 || ih >= height) return 0f;
        int rb = xBase + ih * width;
        return Tap(x, rb, iw0, width, w[wRow]) + Tap(x, rb, iw0 + 1, width, w[wRow + 1]) +
               Tap(x, rb, iw0 + 2, width, w[wRow + 2]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Row5(ArrayView<float> x, ArrayView<float> w, int xBase, int wRow, int ih, int iw0,
        int height, int width)
    {
        if (ih < 0 || ih >= height) return 0f;
        int rb = xBase + ih * width;
        return Tap(x, rb, iw0, width, w[wRow]) + Tap(x, rb, iw0 + 1, width, w[wRow + 1]) +
               Tap(x, rb, iw0 + 2, width, w[wRow + 2]) + Tap(x, rb, iw0 + 3, width, w[wRow + 3]) +
               Tap(x, rb, iw0 + 4, width, w[wRow + 4]);
    }

    /// <summary>dx[i] for i over N * C * H * W.</summary>
    public static void BackwardData(Index1D index, TileArgs p, ArrayView<float> dy, ArrayView<float> w,
        ArrayView<float> dx)
    {
        int i = index;
        int iw = i % p.W;
        int t = i / p.W;
        int ih = t % p.H;
        int nc = t / p.H;
        int c = nc % p.C;
        int yBase = nc * p.OutH * p.OutW;
        int wBase = c * p.R * p.S;
        float acc = 0f;
        for (int r = 0; r < p.R; r++)
        {
            int th = ih + p.Pad - r;
            if (th < 0) break;
            int oh = th / p.Stride;
            if (oh * p.Stride != th || oh >= p.OutH) continue;
            for (int s = 0; s < p.S; s++)
            {
                int tw = iw + p.Pad - s;
                if (tw < 0) break;
                int ow = tw / p.Stride;
                if (ow * p.Stride == tw && ow < p.OutW) acc += dy[yBase + oh * p.OutW + ow] * w[wBase + r * p.S + s];
            }
        }
        dx[i] = acc;
    }

    /// <summary>dw[c, 0, r, s]: one group per weight (grid x = C * R * S).</summary>
    public static void BackwardFilter(TileArgs p, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dw)
    {
        var shared = SharedMemory.GetDynamic<float>();
        int widx = Grid.IdxX;
        int rs = p.R * p.S;
        int c = widx / rs;
        int t = widx - c * rs;
        int r = t / p.S;
        int s = t - r * p.S;
        int hw = p.OutH * p.OutW;
        int total = p.Images * hw;
        float acc = 0f;
        for (int j = Group.IdxX; j < total; j += Group.DimX)
        {
            int img = j / hw;
            int q = j - img * hw;
            int oh = q / p.OutW;
            int ow = q - oh * p.OutW;
            int ih = oh * p.Stride - p.Pad + r, iw = ow * p.Stride - p.Pad + s;
            if (ih >= 0 && ih < p.H && iw >= 0 && iw < p.W)
                acc += dy[(img * p.C + c) * hw + q] * x[((img * p.C + c) * p.H + ih) * p.W + iw];
        }
        acc = GroupReduce.Sum(acc, shared);
        if (Group.IdxX == 0) dw[widx] = acc;
    }
}
