namespace Enas.Tests.Reference;

/// <summary>Naive float64 optimiser updates (formulas of SgdSettings / AdamSettings), element by element.</summary>
public static class OptimizerReference
{
    public static void Sgd(double lr, double momentum, double weightDecay, bool nesterov, double[] p, double[] g,
        double[] v)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double gd = g[i] + weightDecay * p[i];
            if (momentum == 0)
            {
                p[i] -= lr * gd;
                continue;
            }
            v[i] = momentum * v[i] + gd;
            p[i] -= lr * (nesterov ? gd + momentum * v[i] : v[i]);
        }
    }

    public static void Adam(double lr, double beta1, double beta2, double eps, double weightDecay, long step,
        double[] p, double[] g, double[] m, double[] v)
    {
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        for (int i = 0; i < p.Length; i++)
        {
            double gd = g[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1 - beta1) * gd;
            v[i] = beta2 * v[i] + (1 - beta2) * gd * gd;
            p[i] -= lr * (m[i] / bc1) / (Math.Sqrt(v[i] / bc2) + eps);
        }
    }
}
