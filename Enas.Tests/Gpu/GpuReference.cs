using Enas.Kernels;

namespace Enas.Tests.Gpu;

/// <summary>
/// Naive float64 references for the kernel families whose CPU-backend versions are still being written on other
/// branches (Gemm, Conv, Pool, BatchNorm, LogSoftmax, Gather/ScatterAdd, optimisers). Written for clarity only.
/// TODO(lead): once Enas.Tests/Reference/* is merged, switch these call sites to it and delete this file.
/// </summary>
internal static class GpuReference
{
    public static double[] Gemm(GemmDescriptor d, double[] a, double[] b, double[] c)
    {
        var result = (double[])c.Clone();
        for (int batch = 0; batch < d.BatchCount; batch++)
        for (int m = 0; m < d.M; m++)
        for (int n = 0; n < d.N; n++)
        {
            double acc = 0;
            for (int k = 0; k < d.K; k++)
            {
                double av = a[d.OffsetA + batch * d.StrideA + (d.TransA ? (long)k * d.LeadingA + m : (long)m * d.LeadingA + k)];
                double bv = b[d.OffsetB + batch * d.StrideB + (d.TransB ? (long)n * d.LeadingB + k : (long)k * d.LeadingB + n)];
                acc += av * bv;
            }
            long idx = d.OffsetC + batch * d.StrideC + (long)m * d.LeadingC + n;
            result[idx] = d.Alpha * acc + (d.Beta == 0 ? 0 : d.Beta * c[idx]);
        }
        return result;
    }

    private static bool Tap(Conv2DDescriptor d, int oh, int ow, int r, int s, out int ih, out int iw)
    {
        ih = oh * d.Stride - d.Pad + r;
        iw = ow * d.Stride - d.Pad + s;
        return ih >= 0 && ih < d.H && iw >= 0 && iw < d.W;
    }

    public static double[] ConvForward(Conv2DDescriptor d, double[] x, double[] w)
    {
        var y = new double[d.OutputLength];
        int cg = d.CPerGroup, kg = d.KPerGroup;
        for (int n = 0; n < d.N; n++)
        for (int k = 0; k < d.K; k++)
        for (int oh = 0; oh < d.OutH; oh++)
        for (int ow = 0; ow < d.OutW; ow++)
        {
            int g = k / kg;
            double acc = 0;
            for (int c = 0; c < cg; c++)
            for (int r = 0; r < d.R; r++)
            for (int s = 0; s < d.S; s++)
                if (Tap(d, oh, ow, r, s, out int ih, out int iw))
                    acc += x[((n * d.C + g * cg + c) * d.H + ih) * d.W + iw] * w[((k * cg + c) * d.R + r) * d.S + s];
            y[((n * d.K + k) * d.OutH + oh) * d.OutW + ow] = acc;
        }
        return y;
    }

    public static (double[] Dx, double[] Dw) ConvBackward(Conv2DDescriptor d, double[] x, double[] w, double[] dy)
    {
        var dx = new double[d.InputLength];
        var dw = new double[d.WeightLength];
        int cg = d.CPerGroup, kg = d.KPerGroup;
        for (int n = 0; n < d.N; n++)
        for (int k = 0; k < d.K; k++)
        for (int oh = 0; oh < d.OutH; oh++)
        for (int ow = 0; ow < d.OutW; ow++)
        {
            int g = k / kg;
            double gy = dy[((n * d.K + k) * d.OutH + oh) * d.OutW + ow];
            for (int c = 0; c < cg; c++)
            for (int r = 0; r < d.R; r++)
            for (int s = 0; s < d.S; s++)
            {
                if (!Tap(d, oh, ow, r, s, out int ih, out int iw)) continue;
                int xi = ((n * d.C + g * cg + c) * d.H + ih) * d.W + iw, wi = ((k * cg + c) * d.R + r) * d.S + s;
                dx[xi] += gy * w[wi];
                dw[wi] += gy * x[xi];
            }
        }
        return (dx, dw);
    }

    private static (int Hs, int He, int Ws, int We) Window(Pool2DDescriptor d, int oh, int ow)
    {
        int h0 = oh * d.Stride - d.Pad, w0 = ow * d.Stride - d.Pad;
        return (Math.Max(h0, 0), Math.Min(h0 + d.Window, d.H), Math.Max(w0, 0), Math.Min(w0 + d.Window, d.W));
    }

    public static (double[] Y, double[] Dx) Pool(Pool2DDescriptor d, double[] x, double[] dy)
    {
        var y = new double[d.OutputLength];
        var dx = new double[d.InputLength];
        for (int nc = 0; nc < d.N * d.C; nc++)
        for (int oh = 0; oh < d.OutH; oh++)
        for (int ow = 0; ow < d.OutW; ow++)
        {
            var (hs, he, ws, we) = Window(d, oh, ow);
            int o = (nc * d.OutH + oh) * d.OutW + ow, xb = nc * d.H * d.W;
            if (d.Kind == PoolKind.Max)
            {
                int best = xb + hs * d.W + ws;
                for (int h = hs; h < he; h++)
                for (int w = ws; w < we; w++)
                    if (x[xb + h * d.W + w] > x[best]) best = xb + h * d.W + w;
                y[o] = x[best];
                dx[best] += dy[o];
            }
            else
            {
                int count = (he - hs) * (we - ws);
                double sum = 0;
                for (int h = hs; h < he; h++)
                for (int w = ws; w < we; w++)
                {
                    sum += x[xb + h * d.W + w];
                    dx[xb + h * d.W + w] += dy[o] / count;
                }
                y[o] = sum / count;
            }
        }
        return (y, dx);
    }

    public static (double[] Y, double[] Mean, double[] InvStd, double[] Var) BatchNorm(BatchNormDescriptor d,
        double[] x, double[]? gamma, double[]? beta)
    {
        var y = new double[d.Length];
        var mean = new double[d.C];
        var inv = new double[d.C];
        var variance = new double[d.C];
        double m = d.CountPerChannel;
        for (int c = 0; c < d.C; c++)
        {
            double s = 0, q = 0;
            for (int n = 0; n < d.N; n++)
            for (int i = 0; i < d.Spatial; i++) s += x[(n * d.C + c) * d.Spatial + i];
            mean[c] = s / m;
            for (int n = 0; n < d.N; n++)
            for (int i = 0; i < d.Spatial; i++) q += Math.Pow(x[(n * d.C + c) * d.Spatial + i] - mean[c], 2);
            variance[c] = q / m;
            inv[c] = 1 / Math.Sqrt(variance[c] + d.Epsilon);
            for (int n = 0; n < d.N; n++)
            for (int i = 0; i < d.Spatial; i++)
            {
                int idx = (n * d.C + c) * d.Spatial + i;
                y[idx] = (gamma?[c] ?? 1) * (x[idx] - mean[c]) * inv[c] + (beta?[c] ?? 0);
            }
        }
        return (y, mean, inv, variance);
    }

    public static (double[] Dx, double[] Dgamma, double[] Dbeta) BatchNormBackward(BatchNormDescriptor d, double[] x,
        double[] dy, double[]? gamma)
    {
        var (_, mean, inv, _) = BatchNorm(d, x, null, null);
        var dx = new double[d.Length];
        var dg = new double[d.C];
        var db = new double[d.C];
        double m = d.CountPerChannel;
        for (int c = 0; c < d.C; c++)
        {
            for (int n = 0; n < d.N; n++)
            for (int i = 0; i < d.Spatial; i++)
            {
                int idx = (n * d.C + c) * d.Spatial + i;
                db[c] += dy[idx];
                dg[c] += dy[idx] * (x[idx] - mean[c]) * inv[c];
            }
            for (int n = 0; n < d.N; n++)
            for (int i = 0; i < d.Spatial; i++)
            {
                int idx = (n * d.C + c) * d.Spatial + i;
                double xhat = (x[idx] - mean[c]) * inv[c];
                dx[idx] = (gamma?[c] ?? 1) * inv[c] * (dy[idx] - db[c] / m - xhat * dg[c] / m);
            }
        }
        return (dx, dg, db);
    }

    public static double[] LogSoftmax(int rows, int cols, double[] x)
    {
        var y = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < cols; j++) max = Math.Max(max, x[r * cols + j]);
            for (int j = 0; j < cols; j++) sum += Math.Exp(x[r * cols + j] - max);
            for (int j = 0; j < cols; j++) y[r * cols + j] = x[r * cols + j] - max - Math.Log(sum);
        }
        return y;
    }

    public static double[] LogSoftmaxBackward(int rows, int cols, double[] y, double[] dy)
    {
        var dx = new double[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++) s += dy[r * cols + j];
            for (int j = 0; j < cols; j++) dx[r * cols + j] = dy[r * cols + j] - Math.Exp(y[r * cols + j]) * s;
        }
        return dx;
    }

    public static void Sgd(SgdSettings s, double[] p, double[] g, double[] v)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + s.WeightDecay * p[i], step = grad;
            if (s.Momentum != 0)
            {
                v[i] = s.Momentum * v[i] + grad;
                step = s.Nesterov ? grad + s.Momentum * v[i] : v[i];
            }
            p[i] -= s.LearningRate * step;
        }
    }

    public static void Adam(AdamSettings s, double[] p, double[] g, double[] m, double[] v)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double grad = g[i] + s.WeightDecay * p[i];
            m[i] = s.Beta1 * m[i] + (1 - s.Beta1) * grad;
            v[i] = s.Beta2 * v[i] + (1 - s.Beta2) * grad * grad;
            p[i] -= s.LearningRate * (m[i] / s.BiasCorrection1) / (Math.Sqrt(v[i] / s.BiasCorrection2) + s.Epsilon);
        }
    }
}
