namespace Enas.Search.Distributed;

/// <summary>
/// Independent items split over the ranks of a job: rank r computes items r, r + N, ..., each into its own slots of a
/// zero-filled buffer, and one all-reduce gives every rank every item's values (each computed whole by one rank, so
/// the same as one process computing them all; a single process computes every item and reduces nothing).
/// </summary>
public static class SplitWork
{
    /// <summary>Values of <paramref name="count"/> items, <paramref name="width"/> per item (item i at
    /// [i * width, (i + 1) * width)): <paramref name="compute"/> runs for this rank's items;
    /// <paramref name="after"/>, if given, runs after every item on every rank (progress). Collective.</summary>
    public static double[] Run(ICommunicator world, int count, int width, Action<int, Span<double>> compute, Action<int>? after = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        var values = new double[count * width];
        for (int i = 0; i < count; i++)
        {
            if (i % world.Size == world.Rank) compute(i, values.AsSpan(i * width, width));
            after?.Invoke(i);
        }
        world.AllReduceSum(values);
        return values;
    }
}
