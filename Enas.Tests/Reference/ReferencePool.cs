using Enas.Kernels;

namespace Enas.Tests.Reference;

/// <summary>Naive float64 pooling: loops over every output and window position (padding skipped).</summary>
public static class ReferencePool
{
    /// <summary>y [N, C, OH, OW] from x [N, C, H, W].</summary>
    public static double[] Forward(in Pool2DDescriptor d, double[] x)
    {
        var y = new double[d.OutputLength];
        int oh = d.OutH, ow = d.OutW;
        for (int plane = 0; plane < d.N * d.C; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double acc = d.Kind == PoolKind.Max ? double.NegativeInfinity : 0;
                    int count = 0;
                    foreach (int at in Window(d, plane, i, j))
                    {
                        acc = d.Kind == PoolKind.Max ? Math.Max(acc, x[at]) : acc + x[at];
                        count++;
                    }
                    y[(plane * oh + i) * ow + j] = d.Kind == PoolKind.Max ? acc : acc / count;
                }
        return y;
    }

    /// <summary>dx [N, C, H, W]: max sends dy to the first (row-major) maximum of its window.</summary>
    public static double[] Backward(in Pool2DDescriptor d, double[] x, double[] dy)
    {
        var dx = new double[d.InputLength];
        int oh = d.OutH, ow = d.OutW;
        for (int plane = 0; plane < d.N * d.C; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    double g = dy[(plane * oh + i) * ow + j];
                    var window = Window(d, plane, i, j);
                    if (d.Kind == PoolKind.Average)
                    {
                        foreach (int at in window) dx[at] += g / window.Count;
                        continue;
                    }
                    int best = window[0];
                    foreach (int at in window)
                        if (x[at] > x[best]) best = at;
                    dx[best] += g;
                }
        return dx;
    }

    /// <summary>Flat input indices of the non-padded window positions of output (i, j), row-major.</summary>
    private static List<int> Window(in Pool2DDescriptor d, int plane, int i, int j)
    {
        var list = new List<int>();
        for (int kh = 0; kh < d.Window; kh++)
            for (int kw = 0; kw < d.Window; kw++)
            {
                int r = i * d.Stride - d.Pad + kh, c = j * d.Stride - d.Pad + kw;
                if (r >= 0 && r < d.H && c >= 0 && c < d.W) list.Add((plane * d.H + r) * d.W + c);
            }
        return list;
    }
}
