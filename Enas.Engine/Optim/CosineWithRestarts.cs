namespace Enas.Engine.Optim;

/// <summary>
/// SGDR (Loshchilov and Hutter): cosine annealing from <see cref="LrMax"/> to <see cref="LrMin"/> over cycles of
/// T0, T0 * TMul, T0 * TMul^2, ... epochs, restarting at lrMax at the start of each cycle. The rate is constant
/// within an epoch (ENAS computes it from the integer epoch). With T0 = 10 and TMul = 2, restarts fall at epochs
/// 10, 30, 70, 150, 310, 630.
/// </summary>
public sealed class CosineWithRestarts
{
    /// <summary>Creates the schedule.</summary>
    public CosineWithRestarts(double lrMax, double lrMin, int t0, int tMul)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(t0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMul);
        if (lrMin < 0 || lrMax < lrMin)
            throw new ArgumentOutOfRangeException(nameof(lrMax), $"needs 0 <= lrMin ({lrMin}) <= lrMax ({lrMax})");
        LrMax = lrMax;
        LrMin = lrMin;
        T0 = t0;
        TMul = tMul;
    }

    /// <summary>Rate at the start of every cycle.</summary>
    public double LrMax { get; }

    /// <summary>Floor the cosine approaches at the end of a cycle.</summary>
    public double LrMin { get; }

    /// <summary>Length of the first cycle in epochs.</summary>
    public int T0 { get; }

    /// <summary>Factor by which each cycle is longer than the previous.</summary>
    public int TMul { get; }

    /// <summary>The learning rate for (0-based) <paramref name="epoch"/>.</summary>
    public double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var (start, length) = CycleOf(epoch);
        double progress = (double)(epoch - start) / length;
        return LrMin + 0.5 * (LrMax - LrMin) * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>First epoch and length of the cycle containing <paramref name="epoch"/>.</summary>
    public (long Start, long Length) CycleOf(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        long start = 0, length = T0;
        while (epoch >= start + length)
        {
            start += length;
            length *= TMul;
        }
        return (start, length);
    }
}
