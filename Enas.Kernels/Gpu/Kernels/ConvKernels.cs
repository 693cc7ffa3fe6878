using ILGPU;

namespace Enas.Kernels.Gpu.Kernels;

/// <summary>
/// Convolution forward as an implicit GEMM per group g (batch index = g): M = K/G output channels,
/// N = images * OH * OW output pixels, K = C/G * R * S taps. A = w [K, C/G, R, S] (row k of the group),
/// B(k, n) = x gathered on the fly (zero outside the image), C = y [N, K, OH, OW].
/// </summary>
internal readonly struct ConvForwardProblem : ITiledProblem
{
    public static float LoadA(TileArgs p, ArrayView<float> w, int g, int m, int k) =>
        w[(g * p.KPerGroup + m) * p.K + k];

    public static ColumnInfo PrepareB(TileArgs p, int g, int n)
    {
        int hw = p.OutH * p.OutW;
        int img = n / hw;
        int q = n - img * hw;
        int oh = q / p.OutW;
        int ow = q - oh * p.OutW;
        return new ColumnInfo((img * p.C + g * p.CPerGroup) * p.H * p.W, oh * p.Stride - p.Pad, ow * p.Stride - p.Pad);
    }

    public static float LoadB(TileArgs p, ArrayView<float> x, int g, int k, ColumnInfo column)
    {
        int rs = p.R * p.S;
        int c = k / rs;
        int t = k - c * rs;
        int r = t / p.S;
        int ih = column.B + r, iw = column.C + (t - r * p.S);
        if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) return 0f;
        return x[column.A + (c * p.H + ih) * p.W + iw];
    }

    public static void Store(TileArgs p, ArrayView<float> y, int g, int m, int n, float value)
    {
        int hw = p.OutH * p.OutW;
        int img = n / hw;
        int q = n - img * hw;
        y[(img * p.Kout + g * p.KPerGroup + m) * hw + q] = value;
    }

    public static bool AKMajor(TileArgs p) => true;

    public static bool BKMajor(TileArgs p) => false;
}

/// <summary>
/// Convolution backward-data per group g: M = C/G input channels, N = images * H * W input pixels,
/// K = K/G * R * S. A(c, (kk, r, s)) = w[g*K/G + kk, c, r, s]; B((kk, r, s), (img, ih, iw)) = dy at the output
/// pixel that tap (r, s) maps onto (ih, iw), zero when it falls between strides or outside; C = dx.
/// </summary>
internal readonly struct ConvBackwardDataProblem : ITiledProblem
{
    public static float LoadA(TileArgs p, ArrayView<float> w, int g, int m, int k)
    {
        int rs = p.R * p.S;
        int kk = k / rs;
        int t = k - kk * rs;
        return w[((g * p.KPerGroup + kk) * p.CPerGroup + m) * rs + t];
    }

    public static ColumnInfo PrepareB(TileArgs p, int g, int n)
    {
        int hw = p.H * p.W;
        int img = n / hw;
        int q = n - img * hw;
        int ih = q / p.W;
        int iw = q - ih * p.W;
        return new ColumnInfo((img * p.Kout + g * p.KPerGroup) * p.OutH * p.OutW, ih + p.Pad, iw + p.Pad);
    }

    public static float LoadB(TileArgs p, ArrayView<float> dy, int g, int k, ColumnInfo column)
    {
        int rs = p.R * p.S;
        int kk = k / rs;
        int t = k - kk * rs;
        int r = t / p.S;
        int th = column.B - r, tw = column.C - (t - r * p.S);
        if (th < 0 || tw < 0) return 0f;
        int oh = th / p.Stride, ow = tw / p.Stride;
        if (oh * p.Stride != th || ow * p.Stride != tw || oh >= p.OutH || ow >= p.OutW) return 0f;
        return dy[column.A + (kk * p.OutH + oh) * p.OutW + ow];
    }

    public static void Store(TileArgs p, ArrayView<float> dx, int g, int m, int n, float value)
    {
        int hw = p.H * p.W;
        int img = n / hw;
        int q = n - img * hw;
        dx[(img * p.C + g * p.CPerGroup + m) * hw + q] = value;
    }

    public static bool AKMajor(TileArgs p) => true;

    public static bool BKMajor(TileArgs p) => false;
}

/// <summary>
/// Convolution backward-filter per group g: M = K/G filters, N = C/G * R * S taps, K = images * OH * OW (long, so
/// it is split across grid z with atomic adds into a zeroed dw when Splits &gt; 1). A(kk, (img, oh, ow)) = dy;
/// B((img, oh, ow), (c, r, s)) = x gathered; C = dw [K, C/G, R, S].
/// </summary>
internal readonly struct ConvBackwardFilterProblem : ITiledProblem
{
    public static float LoadA(TileArgs p, ArrayView<float> dy, int g, int m, int k)
    {
        int hw = p.OutH * p.OutW;
        int img = k / hw;
        int q = k - img * hw;
        return dy[(img * p.Kout + g * p.KPerGroup + m) * hw + q];
    }

    public static ColumnInfo PrepareB(TileArgs p, int g, int n)
    {
        int rs = p.R * p.S;
        int c = n / rs;
        int t = n - c * rs;
        int r = t / p.S;
        return new ColumnInfo((g * p.CPerGroup + c) * p.H * p.W, r - p.Pad, t - r * p.S - p.Pad);
    }

    public static float LoadB(TileArgs p, ArrayView<float> x, int g, int k, ColumnInfo column)
    {
        int hw = p.OutH * p.OutW;
        int img = k / hw;
        int q = k - img * hw;
        int oh = q / p.OutW;
        int ow = q - oh * p.OutW;
        int ih = oh * p.Stride + column.B, iw = ow * p.Stride + column.C;
        if (ih < 0 || ih >= p.H || iw < 0 || iw >= p.W) return 0f;
        return x[img * p.C * p.H * p.W + column.A + ih * p.W + iw];
    }

    public static void Store(TileArgs p, ArrayView<float> dw, int g, int m, int n, float value)
    {
        int idx = (g * p.KPerGroup + m) * p.N + n;
        if (p.Splits > 1) Atomic.Add(ref dw[idx], value);
        else dw[idx] = value;
    }

    public static bool AKMajor(TileArgs p) => true;

    public static bool BKMajor(TileArgs p) => true;
}
