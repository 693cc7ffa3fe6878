namespace Enas.Engine.Nn;

/// <summary>
/// A lookup table Weight [count, dim]: Forward(indices [n]) returns rows [n, dim]. Initialised U(-initRange,
/// initRange) (ENAS's controller uses 0.1). The parameter is named "&lt;name&gt;.weight".
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates the table (float32, on <paramref name="device"/> or the CPU).</summary>
    public Embedding(string name, int count, int dim, Random rng, Device? device = null, double initRange = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dim);
        Name = name;
        Count = count;
        Dim = dim;
        var shape = new Shape(count, dim);
        Weight = RegisterParameter("weight",
            Parameter.Create<float>(name + ".weight", shape, Init.Uniform(shape, initRange, rng), device));
    }

    /// <summary>Name given at construction.</summary>
    public string Name { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Row length.</summary>
    public int Dim { get; }

    /// <summary>[count, dim].</summary>
    public Parameter Weight { get; }

    /// <summary>int32 indices [n] (each in [0, count)) to [n, dim].</summary>
    public Tensor Forward(Tensor indices) => Weight.Gather(indices);
}
