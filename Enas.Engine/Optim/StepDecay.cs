namespace Enas.Engine.Optim;

/// <summary>
/// Exponential per-epoch decay after a warm period: lr(epoch) = max(lrMin, lr0 * decay^(epoch - start)) for epochs
/// from <see cref="StartEpoch"/> on, lr0 before (the ENAS recurrent cell's schedule).
/// </summary>
public sealed class StepDecay
{
    /// <summary>Creates the schedule.</summary>
    public StepDecay(double initial, double decay, int startEpoch, double minimum = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initial);
        if (decay is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(decay), decay, "needs 0 < decay <= 1");
        ArgumentOutOfRangeException.ThrowIfNegative(startEpoch);
        ArgumentOutOfRangeException.ThrowIfNegative(minimum);
        Initial = initial;
        Decay = decay;
        StartEpoch = startEpoch;
        Minimum = minimum;
    }

    /// <summary>Rate before decay starts.</summary>
    public double Initial { get; }

    /// <summary>Factor applied per epoch.</summary>
    public double Decay { get; }

    /// <summary>First epoch at which the factor applies (that epoch's rate is Initial * Decay^0).</summary>
    public int StartEpoch { get; }

    /// <summary>Lower bound.</summary>
    public double Minimum { get; }

    /// <summary>The learning rate for (0-based) <paramref name="epoch"/>.</summary>
    public double LearningRateAt(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        if (epoch <= StartEpoch) return Initial;
        return Math.Max(Minimum, Initial * Math.Pow(Decay, epoch - StartEpoch));
    }
}
