using Enas.Kernels;

namespace Enas.Tests.Reference;

/// <summary>Naive float64 batch norm over x [N, C, S] (textbook formulas, one channel at a time).</summary>
public static class ReferenceBatchNorm
{
    /// <summary>Biased batch mean and variance per channel.</summary>
    public static (double[] Mean, double[] Var) Statistics(in BatchNormDescriptor d, double[] x)
    {
        var mean = new double[d.C];
        var variance = new double[d.C];
        for (int c = 0; c < d.C; c++)
        {
            double s = 0;
            foreach (int i in Indices(d, c)) s += x[i];
            mean[c] = s / d.CountPerChannel;
            double q = 0;
            foreach (int i in Indices(d, c)) q += (x[i] - mean[c]) * (x[i] - mean[c]);
            variance[c] = q / d.CountPerChannel;
        }
        return (mean, variance);
    }

    /// <summary>y = gamma * (x - mean) / sqrt(var + eps) + beta with the given statistics (null gamma/beta: 1/0).</summary>
    public static double[] Normalize(in BatchNormDescriptor d, double[] x, double[] mean, double[] variance,
        double[]? gamma, double[]? beta)
    {
        var y = new double[x.Length];
        for (int c = 0; c < d.C; c++)
        {
            double inv = 1 / Math.Sqrt(variance[c] + d.Epsilon);
            foreach (int i in Indices(d, c))
                y[i] = (gamma?[c] ?? 1) * (x[i] - mean[c]) * inv + (beta?[c] ?? 0);
        }
        return y;
    }

    /// <summary>Running statistics after one training step (unbiased variance, PyTorch momentum convention).</summary>
    public static (double[] Mean, double[] Var) UpdateRunning(in BatchNormDescriptor d, double[] x,
        double[] runningMean, double[] runningVar)
    {
        var (mean, variance) = Statistics(d, x);
        var m = new double[d.C];
        var v = new double[d.C];
        double n = d.CountPerChannel;
        for (int c = 0; c < d.C; c++)
        {
            m[c] = (1 - d.Momentum) * runningMean[c] + d.Momentum * mean[c];
            v[c] = (1 - d.Momentum) * runningVar[c] + d.Momentum * variance[c] * n / (n - 1);
        }
        return (m, v);
    }

    /// <summary>Training-mode gradients: dx, dgamma, dbeta.</summary>
    public static (double[] Dx, double[] DGamma, double[] DBeta) Backward(in BatchNormDescriptor d, double[] x,
        double[] dy, double[]? gamma)
    {
        var (mean, variance) = Statistics(d, x);
        var dx = new double[x.Length];
        var dgamma = new double[d.C];
        var dbeta = new double[d.C];
        double n = d.CountPerChannel;
        for (int c = 0; c < d.C; c++)
        {
            double inv = 1 / Math.Sqrt(variance[c] + d.Epsilon);
            double sumDy = 0, sumDyXhat = 0;
            foreach (int i in Indices(d, c))
            {
                sumDy += dy[i];
                sumDyXhat += dy[i] * (x[i] - mean[c]) * inv;
            }
            dgamma[c] = sumDyXhat;
            dbeta[c] = sumDy;
            double g = gamma?[c] ?? 1;
            foreach (int i in Indices(d, c))
            {
                double xhat = (x[i] - mean[c]) * inv;
                dx[i] = g * inv * (dy[i] - sumDy / n - xhat * sumDyXhat / n);
            }
        }
        return (dx, dgamma, dbeta);
    }

    private static IEnumerable<int> Indices(BatchNormDescriptor d, int c)
    {
        for (int n = 0; n < d.N; n++)
            for (int s = 0; s < d.Spatial; s++) yield return (n * d.C + c) * d.Spatial + s;
    }
}
