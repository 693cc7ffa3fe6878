using Enas.Engine;
using Enas.Search.Util;

namespace Enas.Search.Controller;

/// <summary>Categorical decisions on the engine's primitive ops (no gather/softmax kernels needed).</summary>
internal static class PolicyMath
{
    /// <summary>A constant one-hot row [1, n].</summary>
    public static Tensor OneHot(int n, int index, Device device)
    {
        var data = new float[n];
        data[index] = 1f;
        return Tensor.FromArray(data, new Shape(1, n), device);
    }

    /// <summary>Applies temperature then c·tanh.</summary>
    public static Tensor Shape(Tensor logits, double? temperature, double? tanhConstant)
    {
        if (temperature is { } t) logits = logits * (1.0 / t);
        if (tanhConstant is { } c) logits = logits.Tanh() * c;
        return logits;
    }

    /// <summary>
    /// Samples (or takes the argmax of) the categorical distribution of <paramref name="logits"/> [1, n]. Returns the
    /// choice, its log-probability (scalar, differentiable) and the distribution's entropy.
    /// </summary>
    public static (int Choice, Tensor LogProb, double Entropy) Decide(Tensor logits, XoshiroRandom rng, bool greedy)
    {
        int n = logits.Shape[1];
        var host = logits.ToDoubleArray();
        double max = host.Max();
        var shifted = logits + (-max);
        var lse = shifted.Exp().Sum(1, 1, keepDims: true).Log();
        var logp = shifted - lse;
        var lp = logp.ToDoubleArray();
        double entropy = 0;
        for (int i = 0; i < n; i++) entropy -= Math.Exp(lp[i]) * lp[i];
        int choice = 0;
        if (greedy)
        {
            for (int i = 1; i < n; i++) if (lp[i] > lp[choice]) choice = i;
        }
        else
        {
            double u = rng.NextDouble(), acc = 0;
            choice = n - 1;
            for (int i = 0; i < n; i++)
            {
                acc += Math.Exp(lp[i]);
                if (u < acc) { choice = i; break; }
            }
        }
        var selected = (logp * OneHot(n, choice, logits.Device)).Sum();
        return (choice, selected, entropy);
    }
}
