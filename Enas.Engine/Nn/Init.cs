namespace Enas.Engine.Nn;

/// <summary>
/// Seeded weight initialisers returning host arrays (upload them with <see cref="Parameter.Create{T}"/>). The same
/// <see cref="Random"/> seed gives the same weights on every machine.
/// </summary>
public static class Init
{
    /// <summary>
    /// He (Kaiming) normal for ReLU networks: N(0, 2 / fanIn). For a conv weight [K, C/G, R, S] fanIn is
    /// C/G * R * S; for a linear weight it is the number of inputs.
    /// </summary>
    public static float[] HeNormal(Shape shape, int fanIn, Random rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);
        return Normal(shape, Math.Sqrt(2.0 / fanIn), rng);
    }

    /// <summary>Normal values with mean 0 and standard deviation <paramref name="std"/> (Box-Muller).</summary>
    public static float[] Normal(Shape shape, double std, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(std);
        var data = new float[checked((int)shape.ElementCount)];
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(); // (0, 1]: log is finite
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1)) * std;
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2));
        }
        return data;
    }

    /// <summary>Uniform values in [-bound, bound).</summary>
    public static float[] Uniform(Shape shape, double bound, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(bound);
        var data = new float[checked((int)shape.ElementCount)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() * 2 - 1) * bound);
        return data;
    }
}
