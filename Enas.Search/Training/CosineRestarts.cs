namespace Enas.Search.Training;

/// <summary>
/// SGDR: cosine annealing from lrMax to lrMin over periods of T0, T0·Tmul, ... epochs, constant within an epoch
/// (as the official code, which computes it from the integer epoch). Restarts at 10, 30, 70, 150, 310 for T0 = 10, Tmul = 2.
/// </summary>
public sealed record CosineRestarts(double LrMax, double LrMin, int T0, int TMul)
{
    /// <summary>Learning rate for 0-based <paramref name="epoch"/>.</summary>
    public double At(int epoch)
    {
        int t = Math.Max(1, T0), start = 0;
        while (epoch >= start + t) { start += t; t *= Math.Max(1, TMul); }
        double progress = (double)(epoch - start) / t;
        return LrMin + 0.5 * (LrMax - LrMin) * (1 + Math.Cos(Math.PI * progress));
    }
}
