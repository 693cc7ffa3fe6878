using Enas.Kernels;

namespace Enas.Tests.Reference;

/// <summary>Naive float64 NCHW convolution loops (forward, backward-data, backward-filter), groups included.</summary>
public static class ReferenceConv
{
    /// <summary>y [N, K, OH, OW].</summary>
    public static double[] Forward(in Conv2DDescriptor d, double[] x, double[] w)
    {
        var y = new double[d.OutputLength];
        Visit(d, (xi, wi, yi) => y[yi] += x[xi] * w[wi]);
        return y;
    }

    /// <summary>dx [N, C, H, W].</summary>
    public static double[] BackwardData(in Conv2DDescriptor d, double[] dy, double[] w)
    {
        var dx = new double[d.InputLength];
        Visit(d, (xi, wi, yi) => dx[xi] += dy[yi] * w[wi]);
        return dx;
    }

    /// <summary>dw [K, C/G, R, S].</summary>
    public static double[] BackwardFilter(in Conv2DDescriptor d, double[] x, double[] dy)
    {
        var dw = new double[d.WeightLength];
        Visit(d, (xi, wi, yi) => dw[wi] += dy[yi] * x[xi]);
        return dw;
    }

    /// <summary>Calls visit(x index, w index, y index) for every multiply of the convolution.</summary>
    private static void Visit(in Conv2DDescriptor d, Action<long, long, long> visit)
    {
        int cg = d.CPerGroup, kg = d.KPerGroup;
        for (int n = 0; n < d.N; n++)
        for (int k = 0; k < d.K; k++)
        {
            int g = k / kg;
            for (int oh = 0; oh < d.OutH; oh++)
            for (int ow = 0; ow < d.OutW; ow++)
            {
                long yi = (((long)n * d.K + k) * d.OutH + oh) * d.OutW + ow;
                for (int cl = 0; cl < cg; cl++)
                for (int r = 0; r < d.R; r++)
                for (int s = 0; s < d.S; s++)
                {
                    int ih = oh * d.Stride - d.Pad + r, iw = ow * d.Stride - d.Pad + s;
                    if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                    int c = g * cg + cl;
                    long xi = (((long)n * d.C + c) * d.H + ih) * d.W + iw;
                    long wi = (((long)k * cg + cl) * d.R + r) * d.S + s;
                    visit(xi, wi, yi);
                }
            }
        }
    }
}
