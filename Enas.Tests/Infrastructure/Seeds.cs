namespace Enas.Tests.Infrastructure;

/// <summary>Deterministic random test data.</summary>
public static class Seeds
{
    /// <summary>Uniform values in [lo, hi).</summary>
    public static double[] Uniform(int count, int seed, double lo = -1, double hi = 1)
    {
        var rng = new Random(seed);
        var data = new double[count];
        for (int i = 0; i < count; i++) data[i] = lo + (hi - lo) * rng.NextDouble();
        return data;
    }

    /// <summary>Uniform values kept at least <paramref name="gap"/> away from zero (ReLU kinks).</summary>
    public static double[] AwayFromZero(int count, int seed, double gap = 0.05)
    {
        var data = Uniform(count, seed);
        for (int i = 0; i < count; i++)
            if (Math.Abs(data[i]) < gap) data[i] = data[i] < 0 ? -gap - Math.Abs(data[i]) : gap + data[i];
        return data;
    }

    /// <summary>Distinct values (a shuffled ramp plus jitter), so max-pool windows have no ties.</summary>
    public static double[] Distinct(int count, int seed)
    {
        var rng = new Random(seed);
        var data = new double[count];
        for (int i = 0; i < count; i++) data[i] = (i - count / 2.0) / count * 4;
        rng.Shuffle(data);
        return data;
    }

    /// <summary>Converts to float.</summary>
    public static float[] ToFloat(double[] data) => Array.ConvertAll(data, v => (float)v);
}
