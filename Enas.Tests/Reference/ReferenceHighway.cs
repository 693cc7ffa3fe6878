namespace Enas.Tests.Reference;

/// <summary>
/// Naive float64 highway gate written from its definition (independent of the kernels' HighwayMath):
/// y = p + σ(g)·(f(u) − p) with pre = [g | u] per row. Backward by the chain rule, term by term.
/// </summary>
public static class ReferenceHighway
{
    public static double Activate(string act, double x) => act switch
    {
        "tanh" => Math.Tanh(x),
        "relu" => Math.Max(x, 0),
        "identity" => x,
        "sigmoid" => 1 / (1 + Math.Exp(-x)),
        _ => throw new ArgumentException(act),
    };

    private static double Derivative(string act, double x) => act switch
    {
        "tanh" => 1 - Math.Tanh(x) * Math.Tanh(x),
        "relu" => x > 0 ? 1 : 0,
        "identity" => 1,
        "sigmoid" => Activate("sigmoid", x) * (1 - Activate("sigmoid", x)),
        _ => throw new ArgumentException(act),
    };

    public static double[] Forward(string act, int rows, int hidden, double[] pre, double[] prev)
    {
        var y = new double[rows * hidden];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < hidden; j++)
            {
                double c = Activate("sigmoid", pre[r * 2 * hidden + j]);
                double f = Activate(act, pre[r * 2 * hidden + hidden + j]);
                double p = prev[r * hidden + j];
                y[r * hidden + j] = c * f + (1 - c) * p;
            }
        return y;
    }

    public static (double[] DPre, double[] DPrev) Backward(string act, int rows, int hidden, double[] pre, double[] prev,
        double[] dy)
    {
        var dpre = new double[rows * 2 * hidden];
        var dprev = new double[rows * hidden];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < hidden; j++)
            {
                double g = pre[r * 2 * hidden + j], u = pre[r * 2 * hidden + hidden + j];
                double c = Activate("sigmoid", g), f = Activate(act, u), p = prev[r * hidden + j], d = dy[r * hidden + j];
                dpre[r * 2 * hidden + j] = d * (f - p) * c * (1 - c);
                dpre[r * 2 * hidden + hidden + j] = d * c * Derivative(act, u);
                dprev[r * hidden + j] = d * (1 - c);
            }
        return (dpre, dprev);
    }
}
